import type { FastifyInstance, FastifyReply } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import { AppError } from '../core/errors.ts';
import { findUserById } from '../auth/users.ts';
import { workspaces } from '../workspaces/schema.ts';
import { consumeLink, inspectLink, LINK_REFUSALS, type LinkRefusal } from './links.ts';
import { decideInTx, decisionInput, lockRequest } from './decisions.ts';
import { confirmPage, LINK_PAGE_CSP, messagePage } from './link-pages.ts';

const REFUSAL_STATUS: Record<LinkRefusal, number> = { unknown: 404, expired: 410, used: 410, decided: 409, step_changed: 409 };

/** A refusal found inside the transaction: thrown so that the link's use is rolled back. */
class LinkRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header('content-security-policy', LINK_PAGE_CSP)
    // The token is in the address: it must not leak to another site or stay in a cache.
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(html);
}

/**
 * One-click approve and reject links from emails and Slack. GET only shows what the link would do
 * (mail scanners and link previews fetch links; they must decide nothing); the form's POST uses
 * the link, once, after checking the approver may still decide this step.
 */
export async function registerApprovalLinks(app: FastifyInstance, chorus: Chorus) {
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    async function confirmation(token: string, extra: { error?: string; comment?: string } = {}) {
      const seen = await inspectLink(chorus.db, token);
      if (seen.refused) return { status: REFUSAL_STATUS[seen.refused], html: messagePage('This link cannot be used', LINK_REFUSALS[seen.refused]) };
      const user = await findUserById(chorus.db, seen.link.userId);
      const [workspace] = await chorus.db.select({ timezone: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, seen.request.workspaceId));
      return {
        status: extra.error ? 422 : 200,
        html: confirmPage({
          token,
          action: seen.link.action,
          approverName: user?.name ?? 'you',
          stepName: seen.request.steps[seen.request.currentStep]?.name ?? '',
          workflowName: seen.request.workflowName,
          content: seen.request.content,
          requestedAt: seen.request.requestedAt,
          timezone: workspace?.timezone ?? 'UTC',
          ...extra,
        }),
      };
    }

    scope.get<{ Params: { token: string } }>('/approve/:token', async (request, reply) => {
      const { status, html } = await confirmation(request.params.token);
      return send(reply, status, html);
    });

    scope.post<{ Params: { token: string }; Body: { comment?: string } | undefined }>('/approve/:token', async (request, reply) => {
      const { token } = request.params;
      const comment = typeof request.body?.comment === 'string' ? request.body.comment : '';
      const seen = await inspectLink(chorus.db, token);
      if (seen.refused) return send(reply, REFUSAL_STATUS[seen.refused], messagePage('This link cannot be used', LINK_REFUSALS[seen.refused]));
      const parsed = decisionInput.safeParse({ decision: seen.link.action === 'approve' ? 'approved' : 'rejected', comment });
      if (!parsed.success) {
        const { status, html } = await confirmation(token, { error: parsed.error.issues[0]!.message, comment });
        return send(reply, status, html);
      }
      try {
        const decided = await chorus.db.transaction(async (tx) => {
          const used = await consumeLink(tx, token);
          if ('refused' in used) throw new LinkRefused(REFUSAL_STATUS[used.refused], LINK_REFUSALS[used.refused]);
          const { link } = used;
          const approvalRequest = await lockRequest(tx, seen.request.workspaceId, link.requestId);
          if (approvalRequest.status !== 'pending') throw new LinkRefused(409, LINK_REFUSALS.decided);
          if (approvalRequest.currentStep !== link.step) throw new LinkRefused(409, LINK_REFUSALS.step_changed);
          const user = await findUserById(tx, link.userId);
          if (!user || user.disabledAt) throw new LinkRefused(403, 'This account is disabled.');
          const actor = { userId: user.id, orgId: user.orgId, label: `${user.email} (${link.via} link)`, ip: request.ip, requestId: String(request.id) };
          return decideInTx(chorus, tx, actor, approvalRequest, parsed.data, link.via);
        });
        const done = decided.status === 'approved' ? 'The post is approved.' : decided.status === 'pending' ? 'Your approval is recorded; the post now waits for the next approver.' : 'The post is rejected; its author has been told why.';
        return send(reply, 200, messagePage('Thank you', done));
      } catch (error) {
        if (error instanceof LinkRefused) return send(reply, error.status, messagePage('This link cannot be used', error.message));
        if (error instanceof AppError) return send(reply, error.status, messagePage('This link cannot be used', error.message));
        throw error;
      }
    });
  });
}
