import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../core/db.ts';
import { decryptSecret, encryptSecret } from '../core/crypto.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { userSlackWebhooks } from './schema.ts';

/**
 * Only Slack's own incoming-webhook host: a URL of any host would let a user make Chorus send
 * requests into the network it runs in.
 */
export const slackWebhookInput = z.object({
  url: z
    .url()
    .max(500)
    .refine((url) => /^https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[\w/-]+$/.test(url), 'Use a Slack incoming-webhook URL (https://hooks.slack.com/services/…).'),
});

/** Stores a person's webhook, sealed with the instance key. The route checks the host first. */
export async function saveSlackWebhook(db: Queryable, actor: Actor, key: Buffer, userId: string, url: string) {
  const sealed = encryptSecret(url, key);
  await db
    .insert(userSlackWebhooks)
    .values({ userId, webhookUrlSealed: sealed, updatedAt: now() })
    .onConflictDoUpdate({ target: userSlackWebhooks.userId, set: { webhookUrlSealed: sealed, updatedAt: now() } });
  await recordAudit(db, actor, { action: 'user.slack_webhook_set', targetType: 'user', targetId: userId });
}

export async function deleteSlackWebhook(db: Queryable, actor: Actor, userId: string) {
  const removed = await db.delete(userSlackWebhooks).where(eq(userSlackWebhooks.userId, userId)).returning({ userId: userSlackWebhooks.userId });
  if (removed.length) await recordAudit(db, actor, { action: 'user.slack_webhook_removed', targetType: 'user', targetId: userId });
}

export async function hasSlackWebhook(db: Queryable, userId: string): Promise<boolean> {
  const [row] = await db.select({ userId: userSlackWebhooks.userId }).from(userSlackWebhooks).where(eq(userSlackWebhooks.userId, userId));
  return Boolean(row);
}

export async function openSlackWebhook(db: Queryable, key: Buffer, userId: string): Promise<string | null> {
  const [row] = await db.select().from(userSlackWebhooks).where(eq(userSlackWebhooks.userId, userId));
  return row ? decryptSecret(row.webhookUrlSealed, key) : null;
}
