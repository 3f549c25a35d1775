import { and, asc, eq, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable } from '../core/db.ts';
import { newId, randomToken } from '../core/crypto.ts';
import { AppError, conflict, invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { validatePost, type PostProblem } from '../connectors/validate.ts';
import { mediaSummaries } from '../media/service.ts';
import { repeatInput } from './repeat.ts';
import { enqueuePublish } from './scheduling.ts';
import { afterPostEdited } from '../approvals/editing.ts';
import { approvalSummary } from '../approvals/history.ts';
import { campaigns, posts, postVariants, VARIANT_STATUSES, type VariantStatus } from './schema.ts';

export type Post = typeof posts.$inferSelect;
export type Variant = typeof postVariants.$inferSelect;

const tagsInput = z.array(z.string().trim().min(1).max(50)).max(30);
const mediaIdsInput = z.array(z.uuid()).max(20);
const variantInput = z.object({
  profileId: z.uuid(),
  text: z.string().max(20_000).nullable().optional(),
  /** This profile's own media; null or absent: the post's. */
  mediaIds: mediaIdsInput.nullable().optional(),
});

export const createPostInput = z.object({
  text: z.string().max(20_000).default(''),
  campaignId: z.uuid().nullable().optional(),
  tags: tagsInput.default([]),
  mediaIds: mediaIdsInput.default([]),
  /** Repeat this post (evergreen content): every N days, weeks or months. */
  repeat: repeatInput.optional(),
  variants: z.array(variantInput).min(1, 'Pick at least one profile.').max(50),
});

export const updatePostInput = z.object({
  text: z.string().max(20_000).optional(),
  campaignId: z.uuid().nullable().optional(),
  tags: tagsInput.optional(),
  mediaIds: mediaIdsInput.optional(),
  repeat: repeatInput.optional(),
  /** The full set of target profiles: profiles left out are dropped from the post. */
  variants: z.array(variantInput).min(1).max(50).optional(),
});

export const newIdempotencyKey = () => `chorus-${randomToken(18)}`;

/** Statuses in which a variant's content may still change. */
const EDITABLE: readonly VariantStatus[] = ['draft', 'pending_approval', 'scheduled', 'failed', 'needs_attention'];

export interface VariantView {
  id: string;
  mediaIds: string[];
  profileId: string;
  network: string;
  handle: string;
  text: string;
  tailored: boolean;
  status: VariantStatus;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  remoteUrl: string | null;
  lastError: string | null;
  attempts: number;
  problems: PostProblem[];
}

export type MediaSummary = Awaited<ReturnType<typeof mediaSummaries>>[number];

/** Where a variant breaks its network's rules, as the composer shows them. */
export function problemsFor(chorus: Pick<Chorus, 'connectors'>, network: string, text: string, media: MediaSummary[] = []): PostProblem[] {
  const connector = chorus.connectors.get(network as never);
  if (!connector) return [{ post: 0, field: 'text', code: 'not_supported', message: `Chorus has no connector for ${network}.` }];
  const problems = validatePost(connector.info, {
    text,
    media: media.map((m) => ({
      kind: m.kind,
      mimeType: m.mimeType,
      ...(m.altText ? { altText: m.altText } : {}),
      ...(m.width ? { width: m.width } : {}),
      ...(m.height ? { height: m.height } : {}),
      ...(m.durationSeconds != null ? { durationSeconds: m.durationSeconds } : {}),
    })),
  }).filter((p) => p.code !== 'needs_url'); // Chorus serves media itself when a network fetches by URL
  // Sizes are checked here, from the library's record, so that no file is read to validate a draft.
  media.forEach((m, mediaIndex) => {
    const limit = connector.info.limits.media[m.kind]?.maxBytes;
    if (limit && m.bytes > limit) {
      problems.push({ post: 0, field: 'media', code: 'too_large', mediaIndex, message: `This ${m.kind} is ${(m.bytes / 1e6).toFixed(1)} MB; ${connector.info.displayName} takes at most ${(limit / 1e6).toFixed(1)} MB.` });
    }
  });
  return problems;
}

/** The media a variant publishes: its own choice, or the post's. */
export const mediaIdsOf = (post: { mediaIds: string[] }, variant: { mediaIds: string[] | null }) => variant.mediaIds ?? post.mediaIds;

export async function loadPost(db: Queryable, chorus: Pick<Chorus, 'connectors'>, workspaceId: string, postId: string) {
  const [post] = await db.select().from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId)));
  if (!post) throw notFound('post');
  const rows = await db
    .select({ variant: postVariants, network: socialProfiles.network, handle: socialProfiles.handle })
    .from(postVariants)
    .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
    .where(eq(postVariants.postId, post.id))
    .orderBy(asc(socialProfiles.network), asc(socialProfiles.handle));
  const allMedia = [...new Set([...post.mediaIds, ...rows.flatMap((r) => r.variant.mediaIds ?? [])])];
  const summaries = await mediaSummaries(db, workspaceId, allMedia).catch(() => null);
  const variants: VariantView[] = rows.map(({ variant: v, network, handle }) => {
    const text = v.text ?? post.text;
    const mediaIds = mediaIdsOf(post, v);
    const media = summaries ? mediaIds.map((id) => summaries.find((m) => m.id === id)!) : [];
    return {
      mediaIds,
      id: v.id,
      profileId: v.profileId,
      network,
      handle,
      text,
      tailored: v.text !== null,
      status: v.status,
      scheduledAt: v.scheduledAt,
      publishedAt: v.publishedAt,
      remoteUrl: v.remoteUrl,
      lastError: v.lastError,
      attempts: v.attempts,
      problems: summaries
        ? problemsFor(chorus, network, text, media)
        : [...problemsFor(chorus, network, text), { post: 0, field: 'media', code: 'not_supported', message: 'A media file of this post was deleted from the library.' }],
    };
  });
  return { post, variants, approval: await approvalSummary(db, post.id) };
}

async function assertProfiles(db: Queryable, workspaceId: string, profileIds: string[]) {
  const unique = [...new Set(profileIds)];
  if (unique.length !== profileIds.length) throw invalid('variants', 'Each profile may appear once.');
  const found = await db
    .select({ id: socialProfiles.id })
    .from(socialProfiles)
    .where(and(eq(socialProfiles.workspaceId, workspaceId), inArray(socialProfiles.id, unique), ne(socialProfiles.status, 'disconnected')));
  if (found.length !== unique.length) throw invalid('variants', 'One of the profiles is not connected to this workspace.');
}

async function assertCampaign(db: Queryable, workspaceId: string, campaignId: string | null | undefined) {
  if (!campaignId) return;
  const [found] = await db.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)));
  if (!found) throw invalid('campaignId', 'No such campaign in this workspace.');
}

/** A new draft for one or more profiles. Drafts may break network rules; scheduling may not. */
export async function createPost(chorus: Chorus, actor: Actor, workspaceId: string, input: z.infer<typeof createPostInput>) {
  const id = await chorus.db.transaction(async (tx) => {
    await assertProfiles(tx, workspaceId, input.variants.map((v) => v.profileId));
    await assertCampaign(tx, workspaceId, input.campaignId);
    await mediaSummaries(tx, workspaceId, [...input.mediaIds, ...input.variants.flatMap((v) => v.mediaIds ?? [])]);
    const postId = newId();
    await tx.insert(posts).values({
      id: postId,
      workspaceId,
      authorId: actor.userId,
      campaignId: input.campaignId ?? null,
      text: input.text,
      tags: input.tags,
      mediaIds: input.mediaIds,
      repeat: input.repeat ?? null,
      createdAt: now(),
      updatedAt: now(),
    });
    await tx.insert(postVariants).values(
      input.variants.map((v) => ({
        id: newId(),
        postId,
        workspaceId,
        profileId: v.profileId,
        text: v.text ?? null,
        mediaIds: v.mediaIds ?? null,
        idempotencyKey: newIdempotencyKey(),
        updatedAt: now(),
      })),
    );
    await recordAudit(tx, actor, { workspaceId, action: 'post.created', targetType: 'post', targetId: postId, after: input });
    return postId;
  });
  return loadPost(chorus.db, chorus, workspaceId, id);
}

/**
 * Edits a post. Content changes reach every variant that still can change; a variant that is
 * publishing or published is frozen, and editing it is refused rather than half-applied.
 */
export async function updatePost(chorus: Chorus, actor: Actor, workspaceId: string, postId: string, input: z.infer<typeof updatePostInput>) {
  await chorus.db.transaction(async (tx) => {
    const [post] = await tx.select().from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId))).for('update');
    if (!post) throw notFound('post');
    const variants = await tx.select().from(postVariants).where(eq(postVariants.postId, postId)).for('update');
    const frozen = variants.filter((v) => !EDITABLE.includes(v.status));
    const touchesContent = input.text !== undefined || input.variants !== undefined || input.mediaIds !== undefined;
    if (touchesContent && frozen.length > 0) {
      throw conflict('post_frozen', 'Part of this post is publishing or published; its content can no longer change. Duplicate it instead.');
    }
    await assertCampaign(tx, workspaceId, input.campaignId);
    await mediaSummaries(tx, workspaceId, [...(input.mediaIds ?? []), ...(input.variants ?? []).flatMap((v) => v.mediaIds ?? [])]);
    await tx
      .update(posts)
      .set({
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.campaignId !== undefined ? { campaignId: input.campaignId } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
        ...(input.mediaIds !== undefined ? { mediaIds: input.mediaIds } : {}),
        ...(input.repeat !== undefined ? { repeat: input.repeat } : {}),
        updatedAt: now(),
      })
      .where(eq(posts.id, postId));
    if (input.variants) {
      await assertProfiles(tx, workspaceId, input.variants.map((v) => v.profileId));
      const wanted = new Map(input.variants.map((v) => [v.profileId, { text: v.text ?? null, mediaIds: v.mediaIds ?? null }]));
      const dropped = variants.filter((v) => !wanted.has(v.profileId)).map((v) => v.id);
      if (dropped.length) await tx.delete(postVariants).where(inArray(postVariants.id, dropped));
      for (const [profileId, { text, mediaIds }] of wanted) {
        const existing = variants.find((v) => v.profileId === profileId);
        if (existing) {
          await tx.update(postVariants).set({ text, mediaIds, version: sql`${postVariants.version} + 1`, updatedAt: now() }).where(eq(postVariants.id, existing.id));
        } else {
          await tx.insert(postVariants).values({ id: newId(), postId, workspaceId, profileId, text, mediaIds, idempotencyKey: newIdempotencyKey(), updatedAt: now() });
        }
      }
    } else if (input.text !== undefined || input.mediaIds !== undefined) {
      await tx.update(postVariants).set({ version: sql`${postVariants.version} + 1`, updatedAt: now() }).where(eq(postVariants.postId, postId));
    }
    if (touchesContent || input.tags !== undefined || input.campaignId !== undefined) await afterPostEdited(chorus, tx, actor, workspaceId, postId);
    // Changed variants got a new version, so their queued jobs will stand aside: queue the
    // publish again for those still scheduled, or they would wait for the reconciler.
    const stillScheduled = await tx.select().from(postVariants).where(and(eq(postVariants.postId, postId), eq(postVariants.status, 'scheduled')));
    for (const variant of stillScheduled) await enqueuePublish(chorus, tx, variant);
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'post.updated',
      targetType: 'post',
      targetId: postId,
      before: { text: post.text, tags: post.tags, campaignId: post.campaignId },
      after: input,
    });
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}

export async function deletePost(chorus: Chorus, actor: Actor, workspaceId: string, postId: string) {
  await chorus.db.transaction(async (tx) => {
    const [post] = await tx.select().from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId))).for('update');
    if (!post) throw notFound('post');
    const busy = await tx.select({ id: postVariants.id }).from(postVariants).where(and(eq(postVariants.postId, postId), eq(postVariants.status, 'publishing')));
    if (busy.length) throw new AppError(409, 'post_publishing', 'This post is being published right now; try again in a moment.');
    await tx.delete(posts).where(eq(posts.id, postId));
    await recordAudit(tx, actor, { workspaceId, action: 'post.deleted', targetType: 'post', targetId: postId, before: { text: post.text } });
  });
}

export const calendarQuery = z.object({
  from: z.coerce.date(),
  to: z.coerce.date(),
  profileId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  tag: z.string().max(50).optional(),
  authorId: z.uuid().optional(),
  status: z.enum(VARIANT_STATUSES).optional(),
});

/**
 * Variants due or published in a window, for the calendar's month, week and list views. A
 * published variant sits on the day it went out; the others on their scheduled day.
 */
export async function calendar(db: Queryable, workspaceId: string, q: z.infer<typeof calendarQuery>) {
  if (q.to <= q.from) throw invalid('to', '`to` must be after `from`.');
  if (q.to.getTime() - q.from.getTime() > 400 * 24 * 3600 * 1000) throw invalid('to', 'Ask for at most about a year at a time.');
  const when = sql`coalesce(${postVariants.publishedAt}, ${postVariants.scheduledAt})`;
  const filters: SQL[] = [eq(postVariants.workspaceId, workspaceId), gte(when, q.from), lt(when, q.to)];
  if (q.profileId) filters.push(eq(postVariants.profileId, q.profileId));
  if (q.status) filters.push(eq(postVariants.status, q.status));
  if (q.campaignId) filters.push(eq(posts.campaignId, q.campaignId));
  if (q.authorId) filters.push(eq(posts.authorId, q.authorId));
  if (q.tag) filters.push(sql`${q.tag} = any(${posts.tags})`);
  const rows = await db
    .select({
      variantId: postVariants.id,
      postId: posts.id,
      profileId: postVariants.profileId,
      network: socialProfiles.network,
      handle: socialProfiles.handle,
      text: sql<string>`coalesce(${postVariants.text}, ${posts.text})`,
      status: postVariants.status,
      scheduledAt: postVariants.scheduledAt,
      publishedAt: postVariants.publishedAt,
      remoteUrl: postVariants.remoteUrl,
      lastError: postVariants.lastError,
      campaignId: posts.campaignId,
      campaignName: campaigns.name,
      campaignColor: campaigns.color,
      tags: posts.tags,
      authorId: posts.authorId,
    })
    .from(postVariants)
    .innerJoin(posts, eq(posts.id, postVariants.postId))
    .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
    .leftJoin(campaigns, eq(campaigns.id, posts.campaignId))
    .where(and(...filters))
    .orderBy(asc(when));
  return rows;
}

/** Drafts (no time yet), newest first, for the composer's drafts list. */
export async function listDrafts(db: Queryable, workspaceId: string) {
  return db
    .select({ postId: posts.id, text: posts.text, updatedAt: posts.updatedAt, authorId: posts.authorId })
    .from(posts)
    .where(
      and(
        eq(posts.workspaceId, workspaceId),
        sql`exists (select 1 from ${postVariants} where ${postVariants.postId} = ${posts.id} and ${postVariants.status} = 'draft')`,
      ),
    )
    .orderBy(sql`${posts.updatedAt} desc`)
    .limit(200);
}

