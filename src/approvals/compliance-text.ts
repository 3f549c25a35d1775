/**
 * Text folding for compliance matching. A banned word must still be found when someone writes it
 * in capitals, with accents, with a zero-width space inside it, or with Cyrillic/Greek letters that
 * look Latin. Folding keeps, for every folded character, where it came from, so a violation can
 * quote the text exactly as the author wrote it.
 */
import { createRequire } from 'node:module';

// Unicode's confusables (TR39) as packaged by `unhomoglyph`: look-alike character -> its prototype.
const confusables = createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>;

/**
 * Characters that render as nothing (or only steer layout) and so can hide inside a word: every
 * format character (ZWSP, ZWNJ, ZWJ, word joiner, soft hyphen, BOM, bidi controls, tags …),
 * variation selectors, the Hangul/Mongolian fillers and the combining grapheme joiner.
 */
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0\u{E0100}-\u{E01EF}]/u;

const MARKS = /\p{M}/gu;
const ASCII_WORD = /^[a-z0-9]$/;

/** Only non-Latin look-alikes that fold to one ASCII letter or digit: "0" and "1" stay themselves (no leetspeak). */
const homoglyphs = new Map<string, string>();
for (const [from, to] of Object.entries(confusables)) {
  if ([...from].length !== 1 || from.charCodeAt(0) < 0x80) continue;
  let target = to;
  // Some prototypes are themselves non-ASCII (Greek tau -> small capital T -> T): follow the chain.
  for (let i = 0; i < 3 && confusables[target] !== undefined && confusables[target] !== target; i++) target = confusables[target]!;
  const folded = target.normalize('NFKD').replace(MARKS, '').toLowerCase();
  if (ASCII_WORD.test(folded)) homoglyphs.set(from, folded);
}

const latin = (ch: string) => homoglyphs.get(ch) ?? ch;

/** Folds one code point to zero or more matching characters. */
function foldCodePoint(cp: string): string {
  if (INVISIBLE.test(cp)) return '';
  let out = '';
  // Look-alikes are looked up before and after lower-casing: the table has Greek capital Beta but not small beta.
  const lowered = [...cp.normalize('NFKC')].map(latin).join('').toLowerCase().replace(/ß/g, 'ss');
  for (const ch of lowered.normalize('NFKD')) {
    if (/\p{M}/u.test(ch) || INVISIBLE.test(ch)) continue;
    out += latin(ch);
  }
  return out;
}

export interface MappedText {
  text: string;
  /** For each UTF-16 unit of `text`, the start and end (exclusive) of its source in the original. */
  starts: number[];
  ends: number[];
}

/**
 * Transforms a text code point by code point, remembering where every output character came from.
 * A code point that maps to nothing (an accent written apart, a zero-width space) joins the one
 * before it, so quoting a match keeps the accent the author typed.
 */
function mapCodePoints(original: string, map: (cp: string) => string): MappedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const cp of original) {
    const out = map(cp);
    if (out === '' && ends.length > 0) ends[ends.length - 1] = index + cp.length;
    for (let i = 0; i < out.length; i++) {
      starts.push(index);
      ends.push(index + cp.length);
    }
    text += out;
    index += cp.length;
  }
  return { text, starts, ends };
}

/** Folds a text for matching: NFKC, no invisible characters, lower case, no accents, look-alikes in Latin. */
export const foldWithMap = (original: string): MappedText => mapCodePoints(original, foldCodePoint);

/** The text with invisible characters removed and compatibility forms (fullwidth …) unified, case kept. */
export const visibleWithMap = (original: string): MappedText => mapCodePoints(original, (cp) => (INVISIBLE.test(cp) ? '' : cp.normalize('NFKC')));

/** Folds a text for matching (rule terms and disclaimers go through the same folding as posts). */
export const fold = (text: string): string => foldWithMap(text).text;

/** The original text behind the range [start, end) of a mapped text. */
export const originalSlice = (original: string, mapped: MappedText, start: number, end: number): string =>
  end > start ? original.slice(mapped.starts[start], mapped.ends[end - 1]) : '';

/** The text as `visibleWithMap` makes it, for finding links and hashtags. */
export const visibleText = (text: string): string => visibleWithMap(text).text;
