import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable, Tx } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { now } from '../core/clock.ts';
import { findUserById } from '../auth/users.ts';
import { notifications } from './schema.ts';

export const EMAIL_JOB = 'notifications.email';

export interface NewNotification {
  userId: string;
  workspaceId?: string | null;
  kind: string;
  title: string;
  body?: string;
  link?: string | null;
  /** False when the caller sends its own, richer email (approval requests carry one-click links). */
  email?: boolean;
}

/**
 * Notifies a person, in the caller's transaction: the notification exists exactly when the event
 * it reports does. The email, if any, is a job queued in the same transaction.
 */
export async function notify(chorus: Chorus, tx: Tx, n: NewNotification): Promise<void> {
  const id = newId();
  await tx.insert(notifications).values({
    id,
    userId: n.userId,
    workspaceId: n.workspaceId ?? null,
    kind: n.kind,
    title: n.title,
    body: n.body ?? '',
    link: n.link ?? null,
    createdAt: now(),
  });
  if (chorus.mailer && n.email !== false) await chorus.jobs.send(EMAIL_JOB, { notificationId: id }, {}, tx);
}

export async function listNotifications(db: Queryable, userId: string, limit = 50) {
  const items = await db.select().from(notifications).where(eq(notifications.userId, userId)).orderBy(desc(notifications.createdAt)).limit(limit);
  const [unread] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return { items, unread: unread!.n };
}

export async function markRead(db: Queryable, userId: string, ids: string[] | 'all') {
  await db
    .update(notifications)
    .set({ readAt: now() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ids === 'all' ? undefined : inArray(notifications.id, ids)));
}

/** Sends one notification's email. Safe to run twice: a sent notification is not sent again. */
export async function emailNotification(chorus: Chorus, notificationId: string): Promise<void> {
  if (!chorus.mailer) return;
  const [n] = await chorus.db.select().from(notifications).where(eq(notifications.id, notificationId));
  if (!n || n.emailedAt) return;
  const user = await findUserById(chorus.db, n.userId);
  if (!user || user.disabledAt) return;
  const link = n.link ? `\n\n${chorus.config.publicUrl}${n.link}` : '';
  await chorus.mailer.send({ to: user.email, subject: n.title, text: `${n.body}${link}\n\n— Chorus` });
  await chorus.db.update(notifications).set({ emailedAt: now() }).where(eq(notifications.id, n.id));
}
