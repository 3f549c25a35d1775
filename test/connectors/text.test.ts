import { RichText } from '@atproto/api';
import { describe, expect, it } from 'vitest';
import { analyseBlueskyText, withMentions } from '../../src/connectors/text/bluesky.ts';
import { countText, countThreads } from '../../src/connectors/text/count.ts';
import { countGraphemes, utf8Length } from '../../src/connectors/text/graphemes.ts';
import { countMastodon } from '../../src/connectors/text/mastodon.ts';
import { countX } from '../../src/connectors/text/x.ts';

const FAMILY = '👨‍👩‍👧‍👦'; // 7 code points joined by ZWJ, 11 UTF-16 units, 25 UTF-8 bytes
const FLAG = '🇫🇷'; // two regional indicators
const THUMB_DARK = '👍🏿'; // emoji + skin tone modifier
const KEYCAP = '1️⃣';
const E_COMBINING = 'e\u0301'; // e + COMBINING ACUTE ACCENT (NFD é)
const HEBREW = 'שלום עולם'; // RTL
const ARABIC_WITH_MARKS = '\u202Bمرحبا\u202C'; // RTL embedding around Arabic
const JAPANESE = '日本語のテキスト';
const KOREAN = '안녕하세요';

describe('graphemes', () => {
  it('keeps ZWJ sequences, flags, skin tones, keycaps and combining marks together', () => {
    for (const g of [FAMILY, FLAG, THUMB_DARK, KEYCAP, E_COMBINING, 'ñ']) expect(countGraphemes(g)).toBe(1);
    expect(countGraphemes(HEBREW)).toBe(9);
    expect(countGraphemes(JAPANESE)).toBe(8);
    expect(utf8Length(FAMILY)).toBe(25);
  });
});

describe('X weighted length (twitter-text v3)', () => {
  it('counts Latin as 1 and the 280 boundary exactly', () => {
    expect(countX('a'.repeat(280))).toMatchObject({ weightedLength: 280, valid: true });
    expect(countX('a'.repeat(281))).toMatchObject({ weightedLength: 281, valid: false });
  });

  it('counts CJK and Hangul as 2 each', () => {
    expect(countX(JAPANESE).weightedLength).toBe(16);
    expect(countX(KOREAN).weightedLength).toBe(10);
    expect(countX('字'.repeat(140)).valid).toBe(true);
    expect(countX('字'.repeat(141)).valid).toBe(false);
  });

  it('counts each emoji, however many code points, as 2', () => {
    for (const e of [FAMILY, FLAG, THUMB_DARK, '😀']) expect(countX(e).weightedLength).toBe(2);
    expect(countX(`hi ${FAMILY}${FLAG}`).weightedLength).toBe(3 + 4);
  });

  it('normalises combining marks (NFC) and counts Hebrew/Arabic as 1', () => {
    expect(countX(E_COMBINING).weightedLength).toBe(1);
    expect(countX(HEBREW).weightedLength).toBe(9);
    expect(countX('مرحبا').weightedLength).toBe(5);
  });

  it('counts every URL as 23, with or without a scheme', () => {
    expect(countX('https://example.com/a/very/long/path/that/goes/on/and/on?x=1').weightedLength).toBe(23);
    expect(countX('go to chorus.social now').weightedLength).toBe(6 + 23 + 4);
    expect(countX('http://a.co').weightedLength).toBe(23);
  });
});

describe('Bluesky graphemes and facets', () => {
  it('counts graphemes, not code units', () => {
    expect(analyseBlueskyText(`${FAMILY}${FLAG}${THUMB_DARK}${E_COMBINING}`).graphemes).toBe(4);
    expect(analyseBlueskyText(JAPANESE).graphemes).toBe(8);
    expect(countText('x'.repeat(300), 'graphemes')).toBe(300);
  });

  it('places facets at UTF-8 byte offsets after multibyte text', () => {
    const text = `${FAMILY} héllo @alice.test 日本 https://example.com/path #chorus ${HEBREW}`;
    const a = analyseBlueskyText(text);
    const bytesBefore = (s: string) => utf8Length(text.slice(0, text.indexOf(s)));
    const link = a.facets.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#link')!;
    expect(link.index).toEqual({ byteStart: bytesBefore('https://'), byteEnd: bytesBefore('https://') + utf8Length('https://example.com/path') });
    expect(link.features[0]).toMatchObject({ uri: 'https://example.com/path' });
    const tag = a.facets.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#tag')!;
    expect(tag.index.byteStart).toBe(bytesBefore('#chorus'));
    expect(tag.features[0]).toMatchObject({ tag: 'chorus' });
    expect(a.mentions).toEqual([{ handle: 'alice.test', index: { byteStart: bytesBefore('@alice'), byteEnd: bytesBefore('@alice') + 11 } }]);
    // The byte range really selects the mention in the UTF-8 encoding.
    const bytes = new TextEncoder().encode(text);
    expect(new TextDecoder().decode(bytes.slice(a.mentions[0]!.index.byteStart, a.mentions[0]!.index.byteEnd))).toBe('@alice.test');
  });

  it('resolves mentions into sorted facets and leaves unknown handles as text', () => {
    const a = analyseBlueskyText('@bob.test hi @ghost.test see https://x.example');
    const facets = withMentions(a, new Map([['bob.test', 'did:plc:bob']]));
    expect(facets.map((f) => f.features[0]!.$type)).toEqual(['app.bsky.richtext.facet#mention', 'app.bsky.richtext.facet#link']);
    expect(facets[0]!.features[0]).toEqual({ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bob' });
  });

  it('agrees with the official RichText grapheme length on mixed scripts', () => {
    const text = `${ARABIC_WITH_MARKS} ${KOREAN} ${KEYCAP} ${E_COMBINING}`;
    expect(analyseBlueskyText(text).graphemes).toBe(new RichText({ text }).graphemeLength);
  });
});

describe('Mastodon length', () => {
  it('counts URLs with a scheme as 23 and bare domains as typed', () => {
    expect(countMastodon('https://example.com/' + 'a'.repeat(100))).toBe(23);
    expect(countMastodon('see example.com')).toBe(15);
  });

  it('counts a remote mention by its username only', () => {
    expect(countMastodon('@alice@mastodon.example hello')).toBe('@alice hello'.length);
    expect(countMastodon('@bob hi')).toBe(7);
    expect(countMastodon('mail me: me@example.com')).toBe(23);
  });

  it('counts graphemes, so emoji and combining marks are one each', () => {
    expect(countMastodon(`${FAMILY}${FLAG}${E_COMBINING}`)).toBe(3);
    expect(countMastodon(HEBREW)).toBe(9);
    expect(countMastodon('x', 'CW: spoilers')).toBe(13);
  });
});

describe('Threads length', () => {
  it('counts emoji as their UTF-8 byte length and other graphemes as one', () => {
    expect(countThreads('abc')).toBe(3);
    expect(countThreads('😀')).toBe(4);
    expect(countThreads(FAMILY)).toBe(25);
    expect(countThreads(FLAG)).toBe(8);
    expect(countThreads(`${JAPANESE}${E_COMBINING}`)).toBe(9);
  });
});

describe('UTF-16 counting (LinkedIn, Facebook, Instagram)', () => {
  it('counts code units, so astral emoji are 2 and a family 11', () => {
    expect(countText('😀', 'utf16')).toBe(2);
    expect(countText(FAMILY, 'utf16')).toBe(11);
    expect(countText(E_COMBINING, 'utf16')).toBe(2);
  });
});
