import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../core/db.ts';
import { sha256 } from '../core/crypto.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { posts, postVariants } from '../publishing/schema.ts';
import { approvalRequests, type ApprovalContent } from './schema.ts';

type ContentVariant = ApprovalContent['variants'][number];

/**
 * The content of some variants of a post exactly as it would publish: each variant's own text
 * and media, or the post's. Variants are sorted so that the same content always reads the same.
 */
export async function currentContent(db: Queryable, postId: string, variantIds?: string[]): Promise<ApprovalContent> {
  const [post] = await db.select().from(posts).where(eq(posts.id, postId));
  if (!post) return { campaignId: null, tags: [], variants: [] };
  const rows = await db
    .select({ variant: postVariants, network: socialProfiles.network, handle: socialProfiles.handle })
    .from(postVariants)
    .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
    .where(and(eq(postVariants.postId, postId), variantIds ? inArray(postVariants.id, variantIds.length ? variantIds : ['00000000-0000-0000-0000-000000000000']) : undefined));
  const variants: ContentVariant[] = rows
    .map(({ variant, network, handle }) => ({
      variantId: variant.id,
      profileId: variant.profileId,
      network,
      handle,
      text: variant.text ?? post.text,
      mediaIds: variant.mediaIds ?? post.mediaIds,
    }))
    .sort((a, b) => a.variantId.localeCompare(b.variantId));
  return { campaignId: post.campaignId, tags: [...post.tags].sort(), variants };
}

/** What the hash covers: what would be published and how it is grouped, not the handles' spelling. */
const canonicalVariant = (v: ContentVariant) => [v.variantId, v.profileId, v.text, v.mediaIds];

export function contentHash(content: ApprovalContent): string {
  const canonical = { campaignId: content.campaignId, tags: [...content.tags].sort(), variants: [...content.variants].sort((a, b) => a.variantId.localeCompare(b.variantId)).map(canonicalVariant) };
  return sha256(JSON.stringify(canonical));
}

/** Whether approved content covers what is about to go out: every variant exactly as approved. */
export function covers(approved: ApprovalContent, wanted: ApprovalContent): boolean {
  if (approved.campaignId !== wanted.campaignId) return false;
  if (JSON.stringify([...approved.tags].sort()) !== JSON.stringify([...wanted.tags].sort())) return false;
  return wanted.variants.every((w) => {
    const a = approved.variants.find((v) => v.variantId === w.variantId);
    return a !== undefined && JSON.stringify(canonicalVariant(a)) === JSON.stringify(canonicalVariant(w));
  });
}

/** The text of each variant, one per line, as the audit log and the CSV export show it. */
export const contentText = (content: ApprovalContent) => content.variants.map((v) => `${v.handle} (${v.network}): ${v.text}`).join('\n');

/**
 * The approval a variant goes out under: the newest approved or bypassed request whose content
 * holds it. Recorded with the publish so the audit log ties what went out to who approved it.
 */
export async function approvalOfVariant(db: Queryable, postId: string, variantId: string) {
  const done = await db
    .select({ id: approvalRequests.id, status: approvalRequests.status, contentHash: approvalRequests.contentHash, workflowName: approvalRequests.workflowName, content: approvalRequests.content })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.postId, postId), inArray(approvalRequests.status, ['approved', 'bypassed'])))
    .orderBy(desc(approvalRequests.submittedAt));
  const request = done.find((r) => r.content.variants.some((v) => v.variantId === variantId));
  return request ? { requestId: request.id, status: request.status, workflowName: request.workflowName, contentHash: request.contentHash } : null;
}
