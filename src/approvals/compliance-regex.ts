/**
 * Regular-expression rules run on RE2 (re2js): matching time grows linearly with the text, so a
 * pattern like (a+)+$ cannot hang the server the way it would on a backtracking engine. The price
 * is RE2's syntax: no look-around and no back-references, which are refused when the rule is saved.
 */
import { RE2JS } from 're2js';

export const MAX_PATTERN_LENGTH = 500;
export const RULE_FLAGS = /^[ims]*$/;

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

const compiled = new Map<string, RE2JS>();

/** The compiled pattern of a rule (cached: the composer checks on every keystroke). */
export function compileRulePattern(pattern: string, flags = ''): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    let bits = 0;
    for (const flag of new Set(flags)) bits |= FLAG_BITS[flag] ?? 0;
    re = RE2JS.compile(pattern, bits);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** Why a pattern cannot be saved (RE2 cannot compile it, too long, unknown flags), or null if it can. */
export function patternProblem(pattern: string, flags = ''): { field: 'pattern' | 'flags'; message: string } | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return { field: 'pattern', message: `A pattern may be at most ${MAX_PATTERN_LENGTH} characters.` };
  if (!RULE_FLAGS.test(flags)) return { field: 'flags', message: 'Flags may only be i (ignore case), m (multi-line) and s (dot matches newline).' };
  try {
    compileRulePattern(pattern, flags);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return { field: 'pattern', message: `This pattern is not supported: ${reason}. Look-around and back-references are not available.` };
  }
}
