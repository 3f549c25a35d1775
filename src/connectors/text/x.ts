/**
 * X (Twitter) weighted length, counted by twitter-text 3.x, X's own reference implementation
 * (config v3): text is NFC-normalised, code points in the Latin/common ranges weigh 1, everything
 * else (CJK, most scripts beyond U+10FF, emoji sequences as one unit) weighs 2, every URL counts
 * as 23, and the limit is 280. Re-implementing its URL and TLD recognition would drift from X;
 * the package is old but pure JavaScript and runs on Node 20.
 */
import twitterText from 'twitter-text';

export const X_MAX_WEIGHTED_LENGTH = 280;
export const X_URL_LENGTH = 23;

export interface XCount {
  weightedLength: number;
  valid: boolean;
  /** Index (UTF-16) of the last character that still fits, for highlighting the overflow. */
  validRangeEnd: number;
}

export function countX(text: string): XCount {
  const parsed = twitterText.parseTweet(text);
  return { weightedLength: parsed.weightedLength, valid: parsed.valid, validRangeEnd: parsed.validRangeEnd };
}

/** URLs as X (and Mastodon) recognise them, with UTF-16 indices. */
export function extractUrls(text: string, opts: { requireScheme: boolean }): { url: string; start: number; end: number }[] {
  return twitterText
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: !opts.requireScheme })
    .map((u) => ({ url: u.url, start: u.indices[0], end: u.indices[1] }));
}
