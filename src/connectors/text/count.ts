/**
 * One entry point for the composer: count a text the way a network counts it.
 */
import type { TextCounting, TextLimits } from '../connector.ts';
import { countGraphemes, graphemes, isEmoji, utf8Length } from './graphemes.ts';
import { countMastodon } from './mastodon.ts';
import { countX } from './x.ts';

/**
 * Threads: "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
 * bytes." Other graphemes count one each.
 */
export function countThreads(text: string): number {
  let n = 0;
  for (const g of graphemes(text)) n += isEmoji(g) ? utf8Length(g) : 1;
  return n;
}

export function countText(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'graphemes':
      return countGraphemes(text);
    case 'x-weighted':
      return countX(text).weightedLength;
    case 'mastodon':
      return countMastodon(text);
    case 'threads':
      return countThreads(text);
    case 'utf16':
      return text.length;
  }
}

export interface TextCheck {
  length: number;
  max: number;
  remaining: number;
  ok: boolean;
}

export function checkText(text: string, limits: TextLimits): TextCheck {
  const length = countText(text, limits.counting);
  return { length, max: limits.maxLength, remaining: limits.maxLength - length, ok: length <= limits.maxLength };
}
