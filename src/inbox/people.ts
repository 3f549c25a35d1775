import { and, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { Queryable } from '../core/db.ts';
import { conversations } from './schema.ts';

export interface KnownPerson {
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
}

/** Escapes LIKE's wildcards so that a typed `_` or `%` matches itself. */
export const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * People who wrote to this workspace on a network (authors of inbox conversations) whose handle
 * or name starts like `prefix`, most recently active first: who a post is likely to mention.
 */
export async function knownAuthors(db: Queryable, workspaceId: string, network: string, prefix: string, limit: number): Promise<KnownPerson[]> {
  const like = likePrefix(prefix);
  const rows = await db
    .select({
      handle: conversations.authorHandle,
      displayName: sql<string | null>`max(${conversations.authorName})`,
      avatarUrl: sql<string | null>`max(${conversations.authorAvatarUrl})`,
    })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.network, network), or(ilike(conversations.authorHandle, like), ilike(conversations.authorName, like))))
    .groupBy(conversations.authorHandle)
    .orderBy(desc(sql`max(${conversations.lastMessageAt})`))
    .limit(limit);
  return rows;
}
