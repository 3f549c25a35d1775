/**
 * Mastodon's length rule (app/validators/status_length_validator.rb): the content warning plus the
 * text are counted in grapheme clusters, after every URL that has a scheme is replaced by 23
 * characters and every mention `@user@domain` by `@user`. Instances may raise the 500 limit; the
 * real value comes from /api/v2/instance (configuration.statuses.max_characters).
 */
import { countGraphemes } from './graphemes.ts';
import { extractUrls } from './x.ts';

export const MASTODON_DEFAULT_MAX = 500;
export const MASTODON_URL_LENGTH = 23;

// Mastodon's mention syntax: a username, optionally followed by @domain; not inside a word or URL.
const MENTION = /(?<=^|[^\p{L}\p{N}_/@.])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(@[a-z0-9.-]+[a-z0-9]+)?/giu;

export function countMastodon(text: string, spoilerText = ''): number {
  const replacements: { start: number; end: number; value: string }[] = [];
  for (const u of extractUrls(text, { requireScheme: true })) {
    replacements.push({ start: u.start, end: u.end, value: 'x'.repeat(MASTODON_URL_LENGTH) });
  }
  for (const m of text.matchAll(MENTION)) {
    const start = m.index;
    const end = start + m[0].length;
    if (replacements.some((r) => start < r.end && end > r.start)) continue; // inside a URL
    replacements.push({ start, end, value: `@${m[1]}` });
  }
  replacements.sort((a, b) => a.start - b.start);
  let countable = '';
  let at = 0;
  for (const r of replacements) {
    countable += text.slice(at, r.start) + r.value;
    at = r.end;
  }
  countable += text.slice(at);
  return countGraphemes(spoilerText + countable);
}
