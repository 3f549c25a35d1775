/**
 * Compliance checking without a database: given a workspace's rules and a post, which rules does
 * each variant break. The same function serves the composer's live check, scheduling and the
 * publisher, so the author sees exactly what the server will enforce.
 */
import type { ComplianceEffect, ComplianceRuleConfig, ComplianceRuleKind, PostScope } from './schema.ts';
import { fold, foldWithMap, originalSlice, visibleWithMap, type MappedText } from './compliance-text.ts';
import { compileRulePattern } from './compliance-regex.ts';
import { findHashtags, findHosts, hostMatches } from './compliance-links.ts';

export interface ComplianceSubject {
  tags: string[];
  campaignId: string | null;
  variants: { variantId?: string; profileId: string; network: string; text: string }[];
}

export interface ComplianceViolation {
  ruleId: string;
  ruleName: string;
  description: string;
  kind: ComplianceRuleKind;
  effect: ComplianceEffect;
  /** Why the text breaks the rule, in words the author can act on. */
  message: string;
  profileId: string | null;
  variantId: string | null;
  /** The offending text as the author wrote it (zero-width characters and all). */
  match?: string;
}

export interface ComplianceResult {
  violations: ComplianceViolation[];
  blocked: boolean;
  sensitive: boolean;
}

export interface CheckableRule {
  id: string;
  name: string;
  description: string;
  kind: ComplianceRuleKind;
  config: ComplianceRuleConfig;
  effect: ComplianceEffect;
  scope: PostScope;
  enabled: boolean;
}

type Variant = ComplianceSubject['variants'][number];
type Finding = { message: string; match?: string };

const has = (list: string[] | undefined) => list !== undefined && list.length > 0;

/** Every non-empty scope list must match; empty or absent lists mean "any". */
export function ruleApplies(scope: PostScope, subject: ComplianceSubject, variant: Variant): boolean {
  if (has(scope.profileIds) && !scope.profileIds!.includes(variant.profileId)) return false;
  if (has(scope.networks) && !scope.networks!.includes(variant.network)) return false;
  if (has(scope.campaignIds) && (subject.campaignId === null || !scope.campaignIds!.includes(subject.campaignId))) return false;
  if (has(scope.tags)) {
    const wanted = new Set(scope.tags!.map(fold));
    if (!subject.tags.some((tag) => wanted.has(fold(tag)))) return false;
  }
  return true;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Plural forms of an English word: refund(s), box(es), polic(y|ies), lea(f|ves). */
function pluralAware(word: string): string {
  const w = escapeRegExp(word);
  if (/[^aeiou]y$/.test(word)) return `(?:${w}|${escapeRegExp(word.slice(0, -1))}ies)`;
  if (/(?:[^f]f|fe)$/.test(word)) return `(?:${w}|${w}s|${escapeRegExp(word.replace(/fe?$/, ''))}ves)`;
  return `${w}(?:e?s)?`;
}

/**
 * A whole word or phrase in folded text: not inside a longer word ("ass" is not in "class"), words
 * of a phrase separated by any run of spaces or punctuation, "#ad" a hashtag of its own.
 */
function phrasePattern(phrase: string, plural: boolean): RegExp | null {
  const key = `${plural ? 'p' : 'w'}:${phrase}`;
  if (!phrasePatterns.has(key)) {
    if (phrasePatterns.size > 5000) phrasePatterns.clear();
    phrasePatterns.set(key, buildPhrasePattern(phrase, plural));
  }
  return phrasePatterns.get(key) ?? null;
}

// Built once per term: the composer checks every few keystrokes against every rule.
const phrasePatterns = new Map<string, RegExp | null>();

function buildPhrasePattern(phrase: string, plural: boolean): RegExp | null {
  const words = fold(phrase).match(/[#@]?[\p{L}\p{N}_]+/gu);
  if (!words) return null;
  const parts = words.map((word, i) => (plural && i === words.length - 1 && !/^[#@]/.test(word) ? pluralAware(word) : escapeRegExp(word)));
  const edge = words[0]!.startsWith('#') || words[0]!.startsWith('@') ? '(?<![\\p{L}\\p{N}_#@])' : '(?<![\\p{L}\\p{N}_])';
  return new RegExp(`${edge}${parts.join('[^\\p{L}\\p{N}_]+')}(?![\\p{L}\\p{N}_])`, 'u');
}

function findPhrase(text: string, folded: MappedText, phrase: string, plural: boolean): string | null {
  const pattern = phrasePattern(phrase, plural);
  const found = pattern?.exec(folded.text);
  return found ? originalSlice(text, folded, found.index, found.index + found[0].length) : null;
}

function bannedTerms(terms: string[], text: string, folded: MappedText): Finding[] {
  const findings: Finding[] = [];
  for (const term of terms) {
    const match = findPhrase(text, folded, term, true);
    if (match !== null) findings.push({ message: `Contains the banned term “${term}”.`, match });
  }
  return findings;
}

function regexRule(config: Extract<ComplianceRuleConfig, { kind: 'regex' }>, text: string, folded: MappedText): Finding[] {
  const pattern = compileRulePattern(config.pattern, config.flags);
  // The text as written (invisible characters dropped) first; then folded, so look-alikes cannot dodge the pattern.
  for (const mapped of [visibleWithMap(text), folded]) {
    const matcher = pattern.matcher(mapped.text);
    if (matcher.find()) return [{ message: `Matches the pattern /${config.pattern}/.`, match: originalSlice(text, mapped, matcher.start(), matcher.end()) }];
  }
  return [];
}

function linkDomains(config: Extract<ComplianceRuleConfig, { kind: 'link_domains' }>, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const { host, raw } of findHosts(text)) {
    const listed = config.domains.some((domain) => hostMatches(host, domain));
    if (config.mode === 'deny' && listed) findings.push({ message: `Links to ${host}, which is not allowed.`, match: raw });
    if (config.mode === 'allow' && !listed) findings.push({ message: `Links to ${host}, which is not on the list of allowed sites.`, match: raw });
  }
  return findings;
}

function findingsFor(rule: CheckableRule, text: string, folded: MappedText): Finding[] {
  const config = rule.config;
  switch (config.kind) {
    case 'banned_terms':
      return bannedTerms(config.terms, text, folded);
    case 'regex':
      return regexRule(config, text, folded);
    case 'required_disclaimer':
      return findPhrase(text, folded, config.disclaimer, false) === null ? [{ message: `Must include “${config.disclaimer}”.` }] : [];
    case 'link_domains':
      return linkDomains(config, text);
    case 'max_hashtags': {
      const count = findHashtags(text).length;
      return count > config.max ? [{ message: `Has ${count} hashtags; at most ${config.max} are allowed.` }] : [];
    }
  }
}

/** Which rules each variant of the post breaks. */
export function checkText(rules: CheckableRule[], subject: ComplianceSubject): ComplianceResult {
  const violations: ComplianceViolation[] = [];
  for (const variant of subject.variants) {
    const folded = foldWithMap(variant.text);
    for (const rule of rules) {
      if (!rule.enabled || !ruleApplies(rule.scope, subject, variant)) continue;
      for (const finding of findingsFor(rule, variant.text, folded)) {
        violations.push({
          ruleId: rule.id,
          ruleName: rule.name,
          description: rule.description,
          kind: rule.kind,
          effect: rule.effect,
          message: finding.message,
          profileId: variant.profileId,
          variantId: variant.variantId ?? null,
          ...(finding.match !== undefined ? { match: finding.match } : {}),
        });
      }
    }
  }
  return {
    violations,
    blocked: violations.some((v) => v.effect === 'block'),
    sensitive: violations.some((v) => v.effect === 'sensitive'),
  };
}
