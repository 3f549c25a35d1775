import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Queryable, Tx } from '../core/db.ts';
import { randomToken, sha256 } from '../core/crypto.ts';
import { addSeconds, now } from '../core/clock.ts';
import { approvalLinks, approvalRequests } from './schema.ts';

/** How long a one-click link in an email or Slack message works. */
export const LINK_LIFETIME_HOURS = 72;

export type LinkAction = 'approve' | 'reject';
export type LinkVia = 'email' | 'slack';
export type Link = typeof approvalLinks.$inferSelect;

/** Why a link cannot be used, in words for the person who clicked it. */
export const LINK_REFUSALS = {
  unknown: 'This link is not valid. Open the approval queue in Chorus instead.',
  expired: 'This link has expired. Open the approval queue in Chorus to decide.',
  used: 'This link was used already.',
  decided: 'This post is no longer waiting for approval.',
  step_changed: 'This post has moved on to another approval step since this link was sent.',
} as const;
export type LinkRefusal = keyof typeof LINK_REFUSALS;

/** A token has 32 random bytes, base64url: anything else was never issued by Chorus. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Makes the pair of one-click links for one approver and one step. Only the tokens' hashes are
 * stored: the links themselves exist only in the message they are sent in.
 */
export async function createLinks(tx: Queryable, target: { requestId: string; userId: string; step: number; via: LinkVia }) {
  const expiresAt = addSeconds(now(), LINK_LIFETIME_HOURS * 3600);
  const tokens = { approve: randomToken(32), reject: randomToken(32) };
  await tx.insert(approvalLinks).values(
    (['approve', 'reject'] as const).map((action) => ({ tokenHash: sha256(tokens[action]), ...target, action, expiresAt, createdAt: now() })),
  );
  return tokens;
}

/**
 * Looks a link up without using it (a mail scanner fetching it must not decide anything): the
 * link and its request, or why it cannot be used.
 */
export async function inspectLink(db: Queryable, token: string) {
  if (!TOKEN_SHAPE.test(token)) return { refused: 'unknown' as const };
  const [row] = await db.select({ link: approvalLinks, request: approvalRequests }).from(approvalLinks).innerJoin(approvalRequests, eq(approvalRequests.id, approvalLinks.requestId)).where(eq(approvalLinks.tokenHash, sha256(token)));
  if (!row) return { refused: 'unknown' as const };
  const refused = whyRefused(row.link, row.request);
  return refused ? { refused, link: row.link, request: row.request } : { refused: null, link: row.link, request: row.request };
}

function whyRefused(link: Link, request: typeof approvalRequests.$inferSelect): LinkRefusal | null {
  if (link.usedAt) return 'used';
  if (link.expiresAt <= now()) return 'expired';
  if (request.status !== 'pending') return 'decided';
  if (request.currentStep !== link.step) return 'step_changed';
  return null;
}

/**
 * Uses a link, once: the update only succeeds while the link is unused and unexpired, so two
 * clicks racing each other cannot both pass. The caller decides in the same transaction; if the
 * decision is refused, the transaction rolls back and the link stays unused.
 */
export async function consumeLink(tx: Tx, token: string): Promise<{ link: Link } | { refused: LinkRefusal }> {
  if (!TOKEN_SHAPE.test(token)) return { refused: 'unknown' };
  const [link] = await tx
    .update(approvalLinks)
    .set({ usedAt: now() })
    .where(and(eq(approvalLinks.tokenHash, sha256(token)), isNull(approvalLinks.usedAt), gt(approvalLinks.expiresAt, now())))
    .returning();
  if (link) return { link };
  const seen = await inspectLink(tx, token);
  return { refused: seen.refused ?? 'used' };
}
