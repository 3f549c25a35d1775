import { and, desc, eq, gt, isNull, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { AppError, invalid } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { evaluateCompliance } from '../approvals/compliance.ts';
import { connectError, connectorOrThrow, credentialsFor, findProfile } from '../profiles/service.ts';
import { conversations, messages } from './schema.ts';
import { findConversation } from './service.ts';
import { networkThreadId } from './threads.ts';
import { SENDING_PREFIX } from './sync.ts';
import { OutcomeUnknown } from '../connectors/errors.ts';
import type { Viewer } from './visibility.ts';

export const replyInput = z.object({
  text: z.string().trim().min(1).max(10_000),
  /** The message to answer; the latest one from the customer when left out. */
  messageId: z.uuid().optional(),
  /** The newest message the client showed: a reply someone else sent after it is a collision. */
  lastSeenMessageId: z.uuid().optional(),
  /** Send even though someone else replied meanwhile. */
  force: z.boolean().default(false),
});


/**
 * Refuses a reply when someone else answered since the client loaded the conversation (the
 * customer would get two answers), unless the person confirms with `force`. A reply still being
 * sent counts: it is recorded before it goes out.
 */
async function assertNoCollision(db: Queryable, actor: Actor, id: string, lastSeenMessageId: string) {
  const [seen] = await db.select().from(messages).where(and(eq(messages.id, lastSeenMessageId), eq(messages.conversationId, id)));
  if (!seen) throw invalid('lastSeenMessageId', 'That message is not part of this conversation.');
  const newer = await db
    .select({ id: messages.id, text: messages.text, sentAt: messages.sentAt, sentByUserId: messages.sentByUserId, authorHandle: messages.authorHandle, sentByName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.sentByUserId))
    .where(
      and(
        eq(messages.conversationId, id),
        eq(messages.direction, 'outbound'),
        gt(messages.sentAt, seen.sentAt),
        or(isNull(messages.sentByUserId), actor.userId ? ne(messages.sentByUserId, actor.userId) : undefined),
      ),
    )
    .orderBy(messages.sentAt);
  if (newer.length > 0) {
    const who = newer[newer.length - 1]!.sentByName ?? newer[newer.length - 1]!.authorHandle;
    throw new AppError(409, 'collision', `${who} replied to this conversation after you opened it. Read their answer, then send yours with force if it is still needed.`, {
      replies: newer,
    });
  }
}

/**
 * Answers on the network, as a reply to the exact message (or in the DM), and records the reply in
 * the thread with who sent it. First response time is set by the first reply. The workspace's
 * compliance rules apply to replies as to posts: a blocked reply is never sent.
 *
 * The reply is recorded (as "sending") in the same transaction as the collision check, under the
 * conversation's row lock, before it goes to the network: two people answering at once cannot
 * both pass the check. A failed send removes it again.
 */
export async function replyToConversation(chorus: Chorus, actor: Actor, viewer: Viewer, workspaceId: string, id: string, input: z.infer<typeof replyInput>) {
  const { db } = chorus;
  const conversation = await findConversation(db, viewer, workspaceId, id);
  const [target] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, id), input.messageId ? eq(messages.id, input.messageId) : eq(messages.direction, 'inbound')))
    .orderBy(desc(messages.sentAt))
    .limit(1);
  if (!target) throw new AppError(409, 'nothing_to_reply_to', 'There is no message from the customer to reply to.');
  const profile = await findProfile(db, workspaceId, conversation.profileId);
  const compliance = await evaluateCompliance(db, workspaceId, {
    tags: conversation.tags,
    campaignId: null,
    variants: [{ profileId: profile.id, network: profile.network, text: input.text }],
  });
  if (compliance.blocked) {
    throw new AppError(422, 'compliance_blocked', 'This reply breaks a compliance rule of this workspace; it was not sent.', { violations: compliance.violations });
  }
  const connector = connectorOrThrow(chorus, profile.network);
  const credentials = await credentialsFor(chorus, profile).catch(connectError);

  const messageId = newId();
  await db.transaction(async (tx) => {
    await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id)).for('update');
    if (input.lastSeenMessageId && !input.force) await assertNoCollision(tx, actor, id, input.lastSeenMessageId);
    await tx.insert(messages).values({
      id: messageId,
      conversationId: id,
      workspaceId,
      profileId: profile.id,
      remoteId: `${SENDING_PREFIX}${messageId}`,
      direction: 'outbound',
      kind: conversation.kind,
      text: input.text,
      inReplyTo: target.remoteId,
      authorRemoteId: profile.accountId,
      authorHandle: profile.handle,
      authorName: profile.displayName,
      sentByUserId: actor.userId,
      sentAt: now(),
      receivedAt: now(),
    });
  });
  const sent = await connector
    // One key per reply: networks that de-duplicate (Bluesky's record key, Mastodon's header) keep it single.
    .reply(credentials, { inReplyTo: target.remoteId, text: input.text, idempotencyKey: `chorus-reply-${messageId}`, threadId: networkThreadId(conversation.remoteThreadId) })
    .catch(async (error: unknown) => {
      if (error instanceof OutcomeUnknown) {
        // It may be on the network: the reply stays in the thread as unconfirmed, and the next sync
        // that reads it back confirms it (sync.ts). Sending it again could answer twice.
        throw new AppError(503, 'reply_unconfirmed', `${profile.network} did not confirm whether it took this reply. It stays in the thread as unconfirmed; the next sync confirms it if it went out. Check the conversation on the network before sending it again.`, {
          messageId,
        });
      }
      await db.delete(messages).where(eq(messages.id, messageId));
      return connectError(error);
    });

  return db.transaction(async (tx) => {
    // A sync may have filed the reply already (read back from the network): keep that one, with its author.
    const [filed] = await tx.select().from(messages).where(and(eq(messages.profileId, profile.id), eq(messages.remoteId, sent.id)));
    let message;
    if (filed) {
      await tx.delete(messages).where(eq(messages.id, messageId));
      [message] = await tx.update(messages).set({ sentByUserId: actor.userId, inReplyTo: target.remoteId }).where(eq(messages.id, filed.id)).returning();
    } else {
      [message] = await tx.update(messages).set({ remoteId: sent.id, url: sent.url ?? null }).where(eq(messages.id, messageId)).returning();
    }
    await tx
      .update(conversations)
      .set({ lastMessageAt: now(), firstResponseAt: conversation.firstResponseAt ?? now(), status: conversation.status === 'open' ? 'pending' : conversation.status })
      .where(eq(conversations.id, id));
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'conversation.replied',
      targetType: 'conversation',
      targetId: id,
      after: { text: input.text, inReplyTo: target.remoteId, remoteId: sent.id, url: sent.url, forced: Boolean(input.force), sensitive: compliance.sensitive },
    });
    return message!;
  });
}
