/**
 * LinkedIn's "little" text format, which the Posts API uses for `commentary`. The characters
 * \ | { } @ [ ] ( ) < > # * _ ~ start little elements (mentions, templates); unescaped, LinkedIn
 * accepts the post and silently cuts the text at the first one. So every reserved character is
 * backslash-escaped, except:
 * - URLs, kept verbatim so LinkedIn still links them (an escaped "_" would break the address);
 * - "#word" hashtags, kept as little HashtagElements so they stay clickable.
 */
import { extractUrls } from '../text/x.ts';

const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const HASHTAG_START = /^#[\p{L}\p{N}]/u;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

// http(s) URLs whatever their TLD (twitter-text only knows registered TLDs), minus trailing punctuation.
const SCHEME_URL = /\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?'")\]}]/gi;

/** URL ranges: any http(s) URL, plus scheme-less ones twitter-text recognises ("chorus.com/x"). */
function urlRanges(text: string): { start: number; end: number }[] {
  const ranges = [...text.matchAll(SCHEME_URL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  // twitter-text keeps balanced parentheses ("…/wiki/Ada_(language)"): the wider match wins.
  for (const u of extractUrls(text, { requireScheme: false })) {
    const i = ranges.findIndex((r) => u.start < r.end && r.start < u.end);
    if (i < 0) ranges.push(u);
    else if (u.end - u.start > ranges[i]!.end - ranges[i]!.start) ranges[i] = u;
  }
  return ranges.sort((a, b) => a.start - b.start);
}

export function toLittleText(text: string): string {
  let out = '';
  let at = 0;
  for (const url of urlRanges(text)) {
    out += escapeSegment(text, at, url.start) + text.slice(url.start, url.end);
    at = url.end;
  }
  return out + escapeSegment(text, at, text.length);
}

function escapeSegment(text: string, from: number, to: number): string {
  return text.slice(from, to).replace(RESERVED, (ch: string, offset: number) => {
    const i = from + offset;
    const startsHashtag = ch === '#' && HASHTAG_START.test(text.slice(i, i + 3)) && (i === 0 || !WORD_CHAR.test(text[i - 1]!));
    return startsHashtag ? ch : `\\${ch}`;
  });
}

/** Plain text from little text: templates and mentions to their visible text, escapes removed. */
export function fromLittleText(little: string): string {
  return little
    .replace(/\{hashtag\|\\#\|([^}]*)\}/g, '#$1')
    .replace(/(?<!\\)@\[([^\]]*)\]\((urn:li:[^)]*)\)/g, '@$1')
    .replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}
