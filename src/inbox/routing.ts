import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../core/db.ts';
import { MESSAGE_KINDS, PRIORITIES, routingRules, type RuleActions, type RuleConditions } from './schema.ts';

export const ruleInput = z.object({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  conditions: z
    .object({
      networks: z.array(z.string().max(30)).max(10).optional(),
      profileIds: z.array(z.uuid()).max(100).optional(),
      kinds: z.array(z.enum(MESSAGE_KINDS)).max(5).optional(),
      keywords: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
      authorHandles: z.array(z.string().trim().min(1).max(253)).max(200).optional(),
      languages: z.array(z.string().min(2).max(10)).max(50).optional(),
      sentiments: z.array(z.enum(['positive', 'neutral', 'negative'])).max(3).optional(),
    })
    .refine((c) => Object.values(c).some((v) => v && v.length > 0), { message: 'Give at least one condition.' }),
  actions: z
    .object({
      teamId: z.uuid().optional(),
      assigneeUserId: z.uuid().optional(),
      tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
      priority: z.enum(PRIORITIES).optional(),
      close: z.boolean().optional(),
    })
    .refine((a) => Object.values(a).some((v) => v !== undefined), { message: 'Give at least one action.' }),
});

/** Lower case, accents and other marks removed, whitespace folded: "Ne MARCHE pâs" -> "ne marche pas". */
export const foldText = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');

/** A whole word or phrase, so that "refund" does not match "refundable" … but does match "refund!". */
const containsPhrase = (haystack: string, phrase: string) => {
  const escaped = foldText(phrase).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(haystack);
};

export interface RoutedMessage {
  network: string;
  profileId: string;
  kind: (typeof MESSAGE_KINDS)[number];
  text: string;
  authorHandle: string;
  /** From listening's language detection, when it exists. */
  language?: string;
  /** From listening's sentiment analysis, when it exists. */
  sentiment?: 'positive' | 'neutral' | 'negative';
}

export function matches(conditions: RuleConditions, message: RoutedMessage): boolean {
  const folded = foldText(message.text);
  if (conditions.networks?.length && !conditions.networks.includes(message.network)) return false;
  if (conditions.profileIds?.length && !conditions.profileIds.includes(message.profileId)) return false;
  if (conditions.kinds?.length && !conditions.kinds.includes(message.kind)) return false;
  if (conditions.keywords?.length && !conditions.keywords.some((k) => containsPhrase(folded, k))) return false;
  if (conditions.authorHandles?.length && !conditions.authorHandles.some((h) => h.replace(/^@/, '').toLowerCase() === message.authorHandle.toLowerCase())) return false;
  // Language and sentiment rules wait for listening to provide them: unknown never matches.
  if (conditions.languages?.length && (!message.language || !conditions.languages.includes(message.language))) return false;
  if (conditions.sentiments?.length && (!message.sentiment || !conditions.sentiments.includes(message.sentiment))) return false;
  return true;
}

/** What the enabled rules decide for a message, applied in order (later ones override). */
export async function route(db: Queryable, workspaceId: string, message: RoutedMessage): Promise<RuleActions & { ruleIds: string[] }> {
  const rules = await db.select().from(routingRules).where(eq(routingRules.workspaceId, workspaceId)).orderBy(asc(routingRules.position));
  const decision: RuleActions & { ruleIds: string[] } = { ruleIds: [] };
  for (const rule of rules) {
    if (!rule.enabled || !matches(rule.conditions, message)) continue;
    decision.ruleIds.push(rule.id);
    const { tags, ...rest } = rule.actions;
    Object.assign(decision, rest);
    if (tags) decision.tags = [...new Set([...(decision.tags ?? []), ...tags])];
  }
  return decision;
}
