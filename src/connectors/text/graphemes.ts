/**
 * Unicode helpers shared by the counting rules. Graphemes (user-perceived characters) come from
 * Intl.Segmenter, which follows UAX #29 and so keeps ZWJ families, flags, skin tones and
 * combining marks together.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

export const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

export const countGraphemes = (text: string): number => {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
};

export const utf8Length = (text: string): number => encoder.encode(text).byteLength;

export const countCodePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

// An emoji grapheme holds a pictographic code point or a regional indicator (flags);
// a keycap (1️⃣) holds U+20E3.
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
export const isEmoji = (grapheme: string): boolean => EMOJI.test(grapheme);
