/**
 * What the composer suggests while typing: @mentions (from the network's own people search where
 * it has one, else from people this workspace has already met) and #hashtags used before.
 */
import { and, desc, eq, ilike, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable } from '../core/db.ts';
import { ConnectorError } from '../connectors/errors.ts';
import type { RemoteAuthor } from '../connectors/connector.ts';
import { knownAuthors, likePrefix } from '../inbox/people.ts';
import { connectorOrThrow, credentialsFor, type SocialProfile } from '../profiles/service.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { posts, postVariants } from './schema.ts';

export const suggestionQuery = z.object({
  q: z
    .string()
    .trim()
    .transform((q) => q.replace(/^[@#]/, ''))
    .pipe(z.string().min(2, 'Type at least two characters.').max(64)),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});

export interface MentionSuggestion {
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  /** What goes into the text, in the network's own form: `@alice.bsky.social`, `@bob@social.example`. */
  insert: string;
}

export interface MentionAnswer {
  suggestions: MentionSuggestion[];
  /** `network`: the network's people search answered; `workspace`: people seen in this workspace. */
  source: 'network' | 'workspace';
}

const HANDLE_IN_TEXT = /(?<![\p{L}\p{N}_])@([\p{L}\p{N}_][\p{L}\p{N}_.-]*(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?)/gu;
const HASHTAG_IN_TEXT = /(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/** A Mastodon handle must name its instance to reach the right person from anywhere. */
function mentionFor(profile: SocialProfile, handle: string): string {
  const bare = handle.replace(/^@/, '').replace(/[.]+$/, '');
  if (profile.network === 'mastodon' && !bare.includes('@') && profile.serviceUrl) return `@${bare}@${new URL(profile.serviceUrl).host}`;
  return `@${bare}`;
}

export async function mentionSuggestions(chorus: Chorus, profile: SocialProfile, q: string, limit: number): Promise<MentionAnswer> {
  const connector = connectorOrThrow(chorus, profile.network);
  if (connector.searchAccounts && profile.status === 'active') {
    try {
      const credentials = await credentialsFor(chorus, profile);
      const found: RemoteAuthor[] = await connector.searchAccounts(credentials, { q, limit });
      return {
        source: 'network',
        suggestions: found.map((a) => ({ handle: a.handle, displayName: a.displayName ?? null, avatarUrl: a.avatarUrl ?? null, insert: mentionFor(profile, a.handle) })),
      };
    } catch (error) {
      // Suggestions are a convenience: when the network cannot answer now, offer what is known here.
      if (!(error instanceof ConnectorError)) throw error;
      chorus.logger.warn({ err: error, profileId: profile.id }, 'mention search failed; suggesting known people instead');
    }
  }
  const seen = new Map<string, MentionSuggestion>();
  for (const person of await knownAuthors(chorus.db, profile.workspaceId, profile.network, q, limit)) {
    const insert = mentionFor(profile, person.handle);
    seen.set(insert.toLowerCase(), { handle: person.handle, displayName: person.displayName, avatarUrl: person.avatarUrl, insert });
  }
  for (const handle of await mentionedBefore(chorus.db, profile.workspaceId, profile.network, q, limit)) {
    const insert = mentionFor(profile, handle);
    if (!seen.has(insert.toLowerCase())) seen.set(insert.toLowerCase(), { handle, displayName: null, avatarUrl: null, insert });
  }
  return { source: 'workspace', suggestions: [...seen.values()].slice(0, limit) };
}

/** Recent texts published or drafted for a network that contain `marker + prefix`. */
async function recentTexts(db: Queryable, workspaceId: string, network: string | null, needle: string): Promise<string[]> {
  const text = sql<string>`coalesce(${postVariants.text}, ${posts.text})`;
  const rows = await db
    .select({ text })
    .from(postVariants)
    .innerJoin(posts, eq(posts.id, postVariants.postId))
    .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
    .where(and(eq(postVariants.workspaceId, workspaceId), network ? eq(socialProfiles.network, network) : undefined, ilike(text, `%${likePrefix(needle)}`)))
    .orderBy(desc(posts.updatedAt))
    .limit(200);
  return rows.map((r) => r.text);
}

async function mentionedBefore(db: Queryable, workspaceId: string, network: string, prefix: string, limit: number): Promise<string[]> {
  const counts = new Map<string, number>();
  const wanted = prefix.toLowerCase();
  for (const text of await recentTexts(db, workspaceId, network, `@${prefix}`)) {
    for (const [, handle] of text.matchAll(HANDLE_IN_TEXT)) {
      const clean = handle!.replace(/[.]+$/, '');
      if (clean.toLowerCase().startsWith(wanted)) counts.set(clean, (counts.get(clean) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([handle]) => handle);
}

/** Hashtags of this workspace's posts that start like `prefix`, the most used first. */
export async function hashtagSuggestions(db: Queryable, workspaceId: string, prefix: string, limit: number): Promise<{ tag: string; uses: number }[]> {
  const counts = new Map<string, { tag: string; uses: number }>();
  const wanted = prefix.toLowerCase();
  for (const text of new Set(await recentTexts(db, workspaceId, null, `#${prefix}`))) {
    for (const [, tag] of text.matchAll(HASHTAG_IN_TEXT)) {
      const key = tag!.toLowerCase();
      if (!key.startsWith(wanted)) continue;
      const entry = counts.get(key) ?? { tag: tag!, uses: 0 };
      entry.uses += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.uses - a.uses || a.tag.localeCompare(b.tag)).slice(0, limit);
}
