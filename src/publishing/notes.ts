import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { postNotes, posts } from './schema.ts';

export const noteInput = z.object({ body: z.string().trim().min(1).max(5000) });

async function assertPost(db: Db, workspaceId: string, postId: string) {
  const [post] = await db.select({ id: posts.id }).from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId)));
  if (!post) throw notFound('post');
}

export async function listNotes(db: Db, workspaceId: string, postId: string) {
  await assertPost(db, workspaceId, postId);
  return db
    .select({ id: postNotes.id, body: postNotes.body, createdAt: postNotes.createdAt, authorId: postNotes.authorId, authorName: users.name })
    .from(postNotes)
    .leftJoin(users, eq(users.id, postNotes.authorId))
    .where(eq(postNotes.postId, postId))
    .orderBy(asc(postNotes.createdAt));
}

export async function addNote(db: Db, actor: Actor, workspaceId: string, postId: string, input: z.infer<typeof noteInput>) {
  await assertPost(db, workspaceId, postId);
  return db.transaction(async (tx) => {
    const [note] = await tx.insert(postNotes).values({ id: newId(), postId, authorId: actor.userId, body: input.body, createdAt: now() }).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'post.note_added', targetType: 'post', targetId: postId, after: { noteId: note!.id, body: input.body } });
    return note!;
  });
}
