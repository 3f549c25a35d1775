import { describe, expect, it } from 'vitest';
import { fromLittleText, toLittleText } from '../../../src/connectors/linkedin/little-text.ts';

describe('LinkedIn little text', () => {
  it('escapes every reserved character outside URLs and hashtags', () => {
    expect(toLittleText('a\\b|c{d}e@f[g]h(i)j<k>l*m_n~o # p')).toBe('a\\\\b\\|c\\{d\\}e\\@f\\[g\\]h\\(i\\)j\\<k\\>l\\*m\\_n\\~o \\# p');
  });

  it('keeps hashtags as hashtags, but not a # inside a word', () => {
    expect(toLittleText('#launch day, C# and #日本 #1')).toBe('#launch day, C\\# and #日本 #1');
  });

  it('keeps URLs verbatim, including balanced parentheses and any TLD', () => {
    expect(toLittleText('See https://en.wikipedia.org/wiki/Ada_(programming_language).')).toBe('See https://en.wikipedia.org/wiki/Ada_(programming_language).');
    expect(toLittleText('(https://chorus.example/a_b)')).toBe('\\(https://chorus.example/a_b\\)');
    expect(toLittleText('docs at chorus.com/get_started!')).toBe('docs at chorus.com/get_started!');
  });

  it('leaves emoji, RTL and combining text alone', () => {
    const s = 'שלום 👋🏽 e\u0301té';
    expect(toLittleText(s)).toBe(s);
  });

  it('reads little text back as plain text', () => {
    expect(fromLittleText('Hi @[Ada](urn:li:person:1) {hashtag|\\#|news} \\(x\\) \\@y')).toBe('Hi @Ada #news (x) @y');
    const plain = 'a(b)_c [d] @e #f';
    expect(fromLittleText(toLittleText(plain))).toBe(plain);
  });
});
