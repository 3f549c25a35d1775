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
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

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

/** Folds one code point to zero or more matching characters. */
function foldCodePoint(cp: string): string {
  if (INVISIBLE.test(cp)) return '';
  let out = '';
  const lowered = cp.normalize('NFKC').toLowerCase().replace(/ß/g, 'ss');
  for (const ch of lowered.normalize('NFKD')) {
    if (/\p{M}/u.test(ch) || INVISIBLE.test(ch)) continue;
    out += homoglyphs.get(ch) ?? ch;
  }
  return out;
}

export interface FoldedText {
  /** The folded text: NFKC, no invisible characters, lower case, no accents, look-alikes in Latin. */
  text: string;
  /** For each UTF-16 unit of `text`, the start and end (exclusive) of its source in the original. */
  starts: number[];
  ends: number[];
}

/** Folds a text for matching, remembering where every folded character came from. */
export function foldWithMap(original: string): FoldedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const cp of original) {
    const folded = foldCodePoint(cp);
    for (let i = 0; i < folded.length; i++) {
      starts.push(index);
      ends.push(index + cp.length);
    }
    text += folded;
    index += cp.length;
  }
  return { text, starts, ends };
}

/** Folds a text for matching (rule terms and disclaimers go through the same folding as posts). */
export const fold = (text: string): string => foldWithMap(text).text;

/** The original text behind the folded range [start, end). */
export const originalSlice = (original: string, folded: FoldedText, start: number, end: number): string =>
  end > start ? original.slice(folded.starts[start], folded.ends[end - 1]) : '';

/** The text with invisible characters removed and compatibility forms (fullwidth …) unified, case kept. */
export const visibleText = (text: string): string => text.replace(INVISIBLE_ALL, '').normalize('NFKC');
