import { describe, expect, it } from 'vitest';
import { checkText, ruleApplies, type CheckableRule, type ComplianceSubject } from '../../src/approvals/compliance-check.ts';
import { fold, foldWithMap } from '../../src/approvals/compliance-text.ts';
import type { ComplianceRuleConfig, PostScope } from '../../src/approvals/schema.ts';

let counter = 0;
const rule = (config: ComplianceRuleConfig, extra: Partial<CheckableRule> = {}): CheckableRule => ({
  id: `rule-${++counter}`,
  name: `${config.kind} rule`,
  description: 'Legal asked for this.',
  kind: config.kind,
  config,
  effect: 'block',
  scope: {},
  enabled: true,
  ...extra,
});

const post = (text: string, extra: Partial<ComplianceSubject> = {}): ComplianceSubject => ({
  tags: [],
  campaignId: null,
  variants: [{ profileId: 'p1', network: 'bluesky', text }],
  ...extra,
});

/** What the rule matched in the text, or null when the text passes. */
const matchOf = (r: CheckableRule, text: string) => {
  const { violations } = checkText([r], post(text));
  return violations.length ? (violations[0]!.match ?? '') : null;
};

describe('text folding', () => {
  it('removes invisible characters, case, accents, and folds look-alike letters to Latin', () => {
    expect(fold('Ré\u200Bfu\u00ADnd\u2060')).toBe('refund');
    expect(fold('ＦＲＥＥ')).toBe('free'); // fullwidth, by NFKC
    expect(fold('\u0440\u0430\u0443\u0440\u0430\u0441')).toBe('paypac'); // Cyrillic р а у р а с
    expect(fold('ΑΒΕ')).toBe('abe'); // Greek capitals
    expect(fold('Straße')).toBe('strasse');
    expect(fold('e\u0301\uFE0F\u202E')).toBe('e'); // combining accent, variation selector, bidi override
  });

  it('keeps digits as they are: no leetspeak folding', () => {
    expect(fold('fr33 m0ney')).toBe('fr33 m0ney');
  });

  it('remembers where each folded character came from', () => {
    const text = 'x Re\u200Bfund';
    const folded = foldWithMap(text);
    expect(folded.text).toBe('x refund');
    expect(text.slice(folded.starts[2], folded.ends[7])).toBe('Re\u200Bfund');
  });
});

describe('banned terms', () => {
  const banned = rule({ kind: 'banned_terms', terms: ['refund', 'ass', 'policy', 'box', 'free money', 'café'] });

  it('finds a term whatever the case, and quotes the text as written', () => {
    expect(matchOf(banned, 'Ask for a REFUND today')).toBe('REFUND');
  });

  it('finds a term with zero-width characters inserted into it', () => {
    for (const invisible of ['\u200B', '\u200C', '\u200D', '\u2060', '\u00AD', '\uFEFF', '\u180E']) {
      expect(matchOf(banned, `get a re${invisible}fund now`), JSON.stringify(invisible)).toBe(`re${invisible}fund`);
    }
  });

  it('finds a term written with Cyrillic and Greek look-alike letters', () => {
    expect(matchOf(banned, 'new p\u043Elicy')).toBe('p\u043Elicy'); // Cyrillic о
    expect(matchOf(banned, 'b\u03BFx of chocolates')).toBe('b\u03BFx'); // Greek ο
    expect(matchOf(banned, '\u0430ss')).toBe('\u0430ss'); // Cyrillic а
  });

  it('is accent-insensitive both ways', () => {
    expect(matchOf(banned, 'Réfund')).toBe('Réfund');
    expect(matchOf(banned, 'Meet at the cafe')).toBe('cafe');
    expect(matchOf(banned, 'Meet at the CAFE\u0301')).toBe('CAFE\u0301');
  });

  it('finds plurals', () => {
    expect(matchOf(banned, 'no refunds')).toBe('refunds');
    expect(matchOf(banned, 'our policies changed')).toBe('policies');
    expect(matchOf(banned, 'two boxes')).toBe('boxes');
  });

  it('does not match inside other words', () => {
    expect(matchOf(banned, 'a classy class with a compass and a passport')).toBeNull();
    expect(matchOf(banned, 'refundable deposits, inbox zero, boxer shorts')).toBeNull();
  });

  it('matches a phrase across any run of spaces and punctuation, but not with words between', () => {
    expect(matchOf(banned, 'FREE… money!')).toBe('FREE… money');
    expect(matchOf(banned, 'free\n\n-- money')).toBe('free\n\n-- money');
    expect(matchOf(banned, 'free tax money')).toBeNull();
  });

  it('finds a term in a hashtag of its own', () => {
    expect(matchOf(banned, 'so happy #refund')).toBe('refund');
  });

  it('reports each term broken, naming the rule and why', () => {
    const { violations, blocked, sensitive } = checkText([banned], post('refund policy'));
    expect(violations.map((v) => v.message)).toEqual(['Contains the banned term “refund”.', 'Contains the banned term “policy”.']);
    expect(violations[0]).toMatchObject({ ruleName: 'banned_terms rule', description: 'Legal asked for this.', kind: 'banned_terms', effect: 'block', profileId: 'p1', variantId: null });
    expect([blocked, sensitive]).toEqual([true, false]);
  });
});

describe('regular expressions', () => {
  it('matches the text as written, and the folded text so invisible characters cannot dodge it', () => {
    const r = rule({ kind: 'regex', pattern: '\\b\\d{3}-\\d{4}\\b' });
    expect(matchOf(r, 'call 555-1234')).toBe('555-1234');
    const word = rule({ kind: 'regex', pattern: 'guaranteed', flags: 'i' });
    expect(matchOf(word, 'GUARANTEED results')).toBe('GUARANTEED');
    expect(matchOf(word, 'guaran\u200Bteed results')).toBe('guaran\u200Bteed');
    expect(matchOf(word, 'fine results')).toBeNull();
  });

  it('answers quickly for a catastrophic-backtracking pattern on a hostile text', () => {
    const evil = rule({ kind: 'regex', pattern: '^(a+)+$' });
    const text = `${'a'.repeat(20_000)}!`;
    const started = performance.now();
    expect(matchOf(evil, text)).toBeNull();
    const nested = rule({ kind: 'regex', pattern: '(x+x+)+y' });
    expect(matchOf(nested, 'x'.repeat(20_000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('required disclaimers', () => {
  const ad = rule({ kind: 'required_disclaimer', disclaimer: '#ad' }, { effect: 'sensitive' });

  it('passes with the hashtag, in any case, anywhere', () => {
    expect(matchOf(ad, 'Loving this blender #AD')).toBeNull();
    expect(matchOf(ad, '#ad: loving this blender')).toBeNull();
  });

  it('is missing when only a longer hashtag or the bare word is there', () => {
    expect(matchOf(ad, 'Loving this blender #adventure')).toBe('');
    expect(matchOf(ad, 'an ad for a blender')).toBe('');
    const { violations, sensitive, blocked } = checkText([ad], post('#adventure'));
    expect(violations[0]!.message).toBe('Must include “#ad”.');
    expect([sensitive, blocked]).toEqual([true, false]);
  });

  it('compares a sentence disclaimer folded', () => {
    const paid = rule({ kind: 'required_disclaimer', disclaimer: 'Paid partnership with Acme.' });
    expect(matchOf(paid, 'New range! PAID partnership with ACMÉ')).toBeNull();
    expect(matchOf(paid, 'New range! Paid partnership')).toBe('');
  });
});

describe('link domains', () => {
  const deny = rule({ kind: 'link_domains', mode: 'deny', domains: ['example.com', 'xn--bcher-kva.de'] });
  const allow = rule({ kind: 'link_domains', mode: 'allow', domains: ['acme.com'] });

  it('denies the domain and its subdomains, written any way', () => {
    expect(matchOf(deny, 'see https://www.example.com/offer')).toBe('https://www.example.com/offer');
    expect(matchOf(deny, 'see EXAMPLE.com. now')).toBe('EXAMPLE.com');
    expect(matchOf(deny, 'see http://EXAMPLE.com./x')).toBe('http://EXAMPLE.com');
    expect(matchOf(deny, 'see example.community and notexample.com')).toBeNull();
  });

  it('compares international domains in their ASCII form', () => {
    expect(matchOf(deny, 'books at https://bücher.de/neu')).toBe('https://bücher.de/neu');
    expect(matchOf(deny, 'books at shop.BÜCHER.de')).toBe('shop.BÜCHER.de');
  });

  it('does not let an invisible character hide a link', () => {
    expect(matchOf(deny, 'go to exam\u200Bple.com')).not.toBeNull();
  });

  it('allows only the listed domains', () => {
    expect(matchOf(allow, 'https://acme.com/a and https://blog.acme.com/b')).toBeNull();
    const { violations } = checkText([allow], post('https://acme.com and http://other.org/x'));
    expect(violations.map((v) => v.match)).toEqual(['http://other.org/x']);
    expect(violations[0]!.message).toContain('other.org');
  });
});

describe('hashtag limit', () => {
  const two = rule({ kind: 'max_hashtags', max: 2 });

  it('counts hashtags the way the networks do', () => {
    expect(matchOf(two, '#one #two')).toBeNull();
    expect(matchOf(two, '#one #two x#three #123 https://acme.com/#frag')).toBeNull(); // not hashtags
    expect(checkText([two], post('#one #two #three')).violations[0]!.message).toBe('Has 3 hashtags; at most 2 are allowed.');
    expect(matchOf(two, '#one #two ＃three')).toBe(''); // fullwidth number sign counts
  });
});

describe('scope', () => {
  const subject: ComplianceSubject = {
    tags: ['Sponsored'],
    campaignId: 'c1',
    variants: [
      { profileId: 'p1', network: 'bluesky', text: 'hello', variantId: 'v1' },
      { profileId: 'p2', network: 'mastodon', text: 'hello', variantId: 'v2' },
    ],
  };
  const applies = (scope: PostScope, i = 0) => ruleApplies(scope, subject, subject.variants[i]!);

  it('applies when every non-empty list matches', () => {
    expect(applies({})).toBe(true);
    expect(applies({ profileIds: [], networks: [], tags: [], campaignIds: [] })).toBe(true);
    expect(applies({ profileIds: ['p1'], networks: ['bluesky'], tags: ['sponsored'], campaignIds: ['c1'] })).toBe(true);
    expect(applies({ profileIds: ['p1'] }, 1)).toBe(false);
    expect(applies({ networks: ['mastodon'] }, 1)).toBe(true);
    expect(applies({ tags: ['other'] })).toBe(false);
    expect(applies({ campaignIds: ['c2'] })).toBe(false);
    expect(ruleApplies({ campaignIds: ['c1'] }, { ...subject, campaignId: null }, subject.variants[0]!)).toBe(false);
  });

  it('checks each variant against the rules in its scope, and skips disabled rules', () => {
    const ad = rule({ kind: 'required_disclaimer', disclaimer: '#ad' }, { scope: { networks: ['mastodon'] } });
    const off = rule({ kind: 'banned_terms', terms: ['hello'] }, { enabled: false });
    const { violations } = checkText([ad, off], subject);
    expect(violations.map((v) => [v.profileId, v.variantId])).toEqual([['p2', 'v2']]);
  });
});
