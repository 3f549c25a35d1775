import type { ApprovalContent } from './schema.ts';

/** Everything put into a page goes through here: text from posts is untrusted. */
export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** No scripts, nothing from elsewhere, forms only back to Chorus, never framed. */
export const LINK_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
.variant{border:1px solid #e5e7eb;border-radius:.5rem;padding:.75rem;margin:.5rem 0;white-space:pre-wrap}
.handle{font-weight:600;color:#4b5563;font-size:.9rem}.muted{color:#6b7280;font-size:.9rem}
textarea{width:100%;min-height:5rem;font:inherit;box-sizing:border-box}
button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;color:#fff;cursor:pointer;margin-top:.5rem}
.approve{background:#15803d}.reject{background:#b91c1c}.error{color:#b91c1c}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Chorus</title><style>${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export const messagePage = (title: string, message: string) => page(title, `<p>${escapeHtml(message)}</p>`);

/** The confirmation page a link opens: what would be approved or rejected, and one button. */
export function confirmPage(args: {
  token: string;
  action: 'approve' | 'reject';
  approverName: string;
  stepName: string;
  workflowName: string;
  content: ApprovalContent;
  requestedAt: Date | null;
  timezone: string;
  error?: string;
  comment?: string;
}): string {
  const when = args.requestedAt
    ? `To go out ${args.requestedAt.toLocaleString('en-GB', { timeZone: args.timezone, dateStyle: 'full', timeStyle: 'short' })} (${escapeHtml(args.timezone)}).`
    : 'To go out as soon as it is approved.';
  const variants = args.content.variants
    .map((v) => `<div class="variant"><div class="handle">${escapeHtml(v.handle)} · ${escapeHtml(v.network)}${v.mediaIds.length ? ` · ${v.mediaIds.length} media` : ''}</div>${escapeHtml(v.text)}</div>`)
    .join('');
  const approve = args.action === 'approve';
  const form = `<form method="post" action="/approve/${escapeHtml(args.token)}">
<label for="comment">${approve ? 'Comment (optional)' : 'Why are you rejecting it? (required)'}</label>
<textarea id="comment" name="comment" maxlength="2000"${approve ? '' : ' required'}>${escapeHtml(args.comment ?? '')}</textarea>
<button type="submit" class="${approve ? 'approve' : 'reject'}">${approve ? 'Approve this post' : 'Reject this post'}</button>
</form>`;
  return page(approve ? 'Approve this post?' : 'Reject this post?', `<p class="muted">${escapeHtml(args.workflowName)} · ${escapeHtml(args.stepName)} · for ${escapeHtml(args.approverName)}</p>
${variants}<p class="muted">${when}</p>${args.error ? `<p class="error">${escapeHtml(args.error)}</p>` : ''}${form}`);
}
