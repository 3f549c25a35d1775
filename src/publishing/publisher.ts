import { and, eq, sql } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import { addSeconds, now } from '../core/clock.ts';
import type { RunningJob } from '../core/jobs.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { connectorOrThrow, credentialsFor, SYSTEM_ACTOR_LABEL } from '../profiles/service.ts';
import type { Connector, MediaInput, PublishResult } from '../connectors/connector.ts';
import { mediaForPublishing } from '../media/service.ts';
import { mediaStorage } from '../media/storage.ts';
import { publicMediaUrl } from '../media/public-url.ts';
import { mediaIdsOf } from './posts.ts';
import { continueSeries } from './repeat.ts';
import { InvalidResponse, isConnectorError, OutcomeUnknown, RateLimited, Transient } from '../connectors/errors.ts';
import { campaigns, posts, postVariants, publishAttempts } from './schema.ts';
import { trackLinks } from '../links/service.ts';
import { linkCardFor } from './link-card.ts';
import { notify } from '../notifications/service.ts';
import { AttemptSuperseded, publishProgress } from './checkpoint.ts';
import { evaluateCompliance, type ComplianceResult } from '../approvals/compliance.ts';
import { approvalOfVariant } from '../approvals/content.ts';

export const PUBLISH_JOB = 'publishing.publish';
/** Transient failures are retried this many times before the post is marked failed. */
export const MAX_PUBLISH_ATTEMPTS = 5;

type Outcome =
  | { kind: 'published'; result: PublishResult }
  | { kind: 'retry'; after: Date; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'unknown'; reason: string };

/**
 * Publishes one variant, exactly once:
 * 1. claim: in one transaction, check the variant is still scheduled at this version and due,
 *    mark it `publishing` and record the attempt with its idempotency key;
 * 2. call the network with that key;
 * 3. record what happened. Success is recorded whatever else happened meanwhile: it is the truth.
 * A crash between 1 and 3 leaves an open attempt for the reconciler (./reconcile.ts).
 */
export async function publishVariant(chorus: Chorus, variantId: string, version: number, job: Pick<RunningJob, 'workerId' | 'logger'>): Promise<void> {
  const claim = await claimVariant(chorus, variantId, version, job.workerId);
  if (!claim) return;
  const { variant, text, profile } = claim;
  const connector = connectorOrThrow(chorus, profile.network);
  // Read before anything is sent: a failure here leaves the attempt open for the reconciler.
  const progress = connector.info.checkpoints ? await publishProgress(chorus.db, { variantId, ...claim }) : {};
  let outcome: Outcome;
  try {
    // Nothing has been sent yet: any failure here is certain, never "unknown".
    if (claim.blockedBy) {
      // A resumed attempt may have put part of a thread out already: say so rather than "not published".
      const partly = 'resume' in progress && progress.resume !== undefined;
      throw new NotSent(`${partly ? 'Stopped before the rest was sent (earlier parts may already be on the network)' : 'Not published'}: ${claim.blockedBy}`);
    }
    const credentials = await credentialsFor(chorus, profile).catch((error: unknown) => {
      throw new CredentialsUnavailable(error);
    });
    const media = await loadMedia(chorus, variant.workspaceId, claim.mediaIds, connector.info.limits.media.requiresPublicUrl ?? false).catch((error: unknown) => {
      throw new NotSent(error instanceof Error ? error.message : String(error));
    });
    const link = await linkCardFor(chorus, connector, { written: claim.written, published: text, hasMedia: media.length > 0 }, job.logger);
    const result = await connector.publish(credentials, { text, idempotencyKey: variant.idempotencyKey, ...(media.length ? { media } : {}), ...(link ? { link } : {}), ...progress });
    outcome = { kind: 'published', result };
  } catch (error) {
    if (error instanceof AttemptSuperseded) {
      job.logger.warn({ variantId }, 'publish stopped: its attempt was reconciled while it ran, another attempt continues it');
      return;
    }
    outcome =
      error instanceof NotSent
        ? { kind: 'failed', reason: error.message }
        : error instanceof CredentialsUnavailable
          ? beforeSending(error.cause, variant.attempts)
          : classify(connector, error, variant.attempts);
    job.logger.warn({ err: error, variantId, outcome: outcome.kind }, 'publish did not succeed');
  }
  await recordOutcome(chorus, claim, outcome);
  if (outcome.kind === 'retry') job.logger.info({ variantId, after: outcome.after }, 'publish will be retried');
}

async function claimVariant(chorus: Chorus, variantId: string, version: number, workerId: string) {
  return chorus.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ variant: postVariants, post: posts, campaignName: campaigns.name, profile: socialProfiles, orgId: workspaces.orgId })
      .from(postVariants)
      .innerJoin(posts, eq(posts.id, postVariants.postId))
      .leftJoin(campaigns, eq(campaigns.id, posts.campaignId))
      .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
      .innerJoin(workspaces, eq(workspaces.id, postVariants.workspaceId))
      .where(eq(postVariants.id, variantId))
      .for('update', { of: postVariants });
    // Gone, changed since this job was queued, or already taken by another worker: nothing to do.
    if (!row || row.variant.version !== version || row.variant.status !== 'scheduled') return null;
    if (row.variant.scheduledAt && row.variant.scheduledAt > addSeconds(now(), 5)) return null;
    const [variant] = await tx
      .update(postVariants)
      .set({ status: 'publishing', attempts: sql`${postVariants.attempts} + 1`, updatedAt: now() })
      .where(eq(postVariants.id, variantId))
      .returning();
    const [attempt] = await tx
      .insert(publishAttempts)
      .values({ variantId, idempotencyKey: variant!.idempotencyKey, workerId, startedAt: now() })
      .returning({ id: publishAttempts.id });
    const written = variant!.text ?? row.post.text;
    // The rules may have changed, or the post been edited through a path that skipped the check,
    // since it was scheduled. Checked on the text as written: tracked links would hide the real domains.
    const compliance = await evaluateCompliance(tx, variant!.workspaceId, {
      tags: row.post.tags,
      campaignId: row.post.campaignId,
      variants: [{ variantId, profileId: row.profile.id, network: row.profile.network, text: written }],
    });
    // Links become tracked short links here, inside the claim: a retry finds the same links.
    const text = await trackLinks(tx, written, {
      workspaceId: variant!.workspaceId,
      postId: row.post.id,
      variantId,
      network: row.profile.network,
      campaignId: row.post.campaignId,
      campaignName: row.campaignName,
      baseUrl: chorus.config.publicUrl,
    });
    return {
      variant: variant!,
      text,
      written,
      mediaIds: mediaIdsOf(row.post, variant!),
      profile: row.profile,
      blockedBy: compliance.blocked ? blockingReason(compliance) : null,
      orgId: row.orgId,
      authorId: row.post.authorId,
      attemptId: attempt!.id,
    };
  });
}

/** The blocking compliance rules a text breaks, as the author is told them. */
const blockingReason = (result: ComplianceResult) =>
  `it breaks compliance rules. ${result.violations
    .filter((v) => v.effect === 'block')
    .map((v) => `“${v.ruleName}”: ${v.message}${v.description ? ` (${v.description})` : ''}`)
    .join(' ')}`;

/** A failure while preparing the post: nothing reached the network. */
class NotSent extends Error {}

/** The files, and for networks that fetch media themselves, a signed link to each. */
async function loadMedia(chorus: Chorus, workspaceId: string, ids: string[], withUrls: boolean): Promise<MediaInput[]> {
  if (withUrls && ids.length > 0 && !reachableFromInternet(chorus.config.publicUrl)) {
    throw new Error(
      `This network fetches media from Chorus at ${chorus.config.publicUrl}, which it cannot reach. Set PUBLIC_URL to an address reachable from the internet.`,
    );
  }
  const files = await mediaForPublishing(chorus.db, workspaceId, ids, mediaStorage(chorus.config));
  return files.map((f) => ({
    kind: f.kind,
    mimeType: f.mimeType,
    data: f.data,
    ...(withUrls ? { url: publicMediaUrl(chorus, f.id) } : {}),
    ...(f.altText ? { altText: f.altText } : {}),
    ...(f.width ? { width: f.width } : {}),
    ...(f.height ? { height: f.height } : {}),
  }));
}

const reachableFromInternet = (url: string) => {
  const host = new URL(url).hostname;
  return !/^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?$|0\.0\.0\.0)/.test(host) && !host.endsWith('.local');
};

class CredentialsUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Getting credentials failed, so nothing reached the network: retry only what may clear up. */
function beforeSending(error: unknown, attempts: number): Outcome {
  if (error instanceof RateLimited || error instanceof Transient) return retryOrGiveUp(attempts, backoffSeconds(attempts), error.message);
  if (isConnectorError(error)) return { kind: 'failed', reason: error.message };
  return {
    kind: 'failed',
    reason: `The stored credentials for this profile could not be read (${error instanceof Error ? error.message : String(error)}). Every Chorus process must share the same CHORUS_SECRET_KEY; reconnecting the profile stores them afresh.`,
  };
}

const backoffSeconds = (attempts: number) => Math.min(15 * 60, 10 * 2 ** (attempts - 1));

/** Again in `seconds`, unless the variant has used up its attempts. */
const retryOrGiveUp = (attempts: number, seconds: number, message: string): Outcome =>
  attempts >= MAX_PUBLISH_ATTEMPTS
    ? { kind: 'failed', reason: `Gave up after ${attempts} attempts: ${message}` }
    : { kind: 'retry', after: addSeconds(now(), seconds), reason: message };

/** What to do after a failed call, given whether the network can tell a retry from a new post. */
function classify(connector: Connector, error: unknown, attempts: number): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  const retrySafe = connector.info.publishIdempotency !== 'none';
  const retry = (seconds: number) => retryOrGiveUp(attempts, seconds, message);
  const backoff = backoffSeconds(attempts);
  if (error instanceof RateLimited) return retry(Math.max(error.retryAfterSeconds ?? backoff, 1));
  if (error instanceof Transient) return retry(backoff);
  // The request may have reached the network: only a network that de-duplicates may be asked again.
  if (error instanceof OutcomeUnknown || error instanceof InvalidResponse || !isConnectorError(error)) {
    return retrySafe ? retry(backoff) : { kind: 'unknown', reason: message };
  }
  return { kind: 'failed', reason: message };
}

async function recordOutcome(chorus: Chorus, claim: NonNullable<Awaited<ReturnType<typeof claimVariant>>>, outcome: Outcome) {
  const { variant, attemptId, orgId } = claim;
  await chorus.db.transaction(async (tx) => {
    const finished = { finishedAt: now(), outcome: outcome.kind, detail: 'reason' in outcome ? outcome.reason : null } as const;
    await tx.update(publishAttempts).set(finished).where(eq(publishAttempts.id, attemptId));
    const audit = (action: string, after: unknown) =>
      recordAudit(tx, { userId: null, orgId, label: SYSTEM_ACTOR_LABEL }, { workspaceId: variant.workspaceId, action, targetType: 'post', targetId: variant.postId, after });
    if (outcome.kind === 'published') {
      const first = outcome.result.posts[0];
      await tx
        .update(postVariants)
        .set({ status: 'published', remoteId: first?.id ?? null, remoteUrl: first?.url ?? null, publishedAt: now(), lastError: null, updatedAt: now() })
        .where(eq(postVariants.id, variant.id));
      await audit('post.published', {
        variantId: variant.id,
        remoteId: first?.id,
        url: first?.url,
        text: claim.text,
        alreadyExisted: outcome.result.alreadyExisted ?? false,
        approval: await approvalOfVariant(tx, variant.postId, variant.id),
      });
      await continueSeries(chorus, tx, variant.postId);
      return;
    }
    // Anything else only applies if nobody has settled the variant meanwhile.
    const stillOurs = and(eq(postVariants.id, variant.id), eq(postVariants.status, 'publishing'));
    if (outcome.kind === 'retry') {
      const [updated] = await tx
        .update(postVariants)
        .set({ status: 'scheduled', version: sql`${postVariants.version} + 1`, lastError: `Retrying: ${outcome.reason}`, updatedAt: now() })
        .where(stillOurs)
        .returning();
      if (updated) {
        await chorus.jobs.send(PUBLISH_JOB, { variantId: updated.id, version: updated.version }, { startAfter: outcome.after, singletonKey: `${updated.id}:${updated.version}` }, tx);
      }
      return;
    }
    const status = outcome.kind === 'failed' ? 'failed' : 'needs_attention';
    const reason =
      outcome.kind === 'unknown'
        ? `The network did not confirm whether it took this post (${outcome.reason}). Check the profile, then mark it published or publish again.`
        : outcome.reason;
    const [updated] = await tx.update(postVariants).set({ status, lastError: reason, updatedAt: now() }).where(stillOurs).returning();
    if (!updated) return;
    await audit(outcome.kind === 'failed' ? 'post.publish_failed' : 'post.needs_attention', { variantId: variant.id, reason });
    // A failed occurrence does not end a series: the next one is still due.
    await continueSeries(chorus, tx, variant.postId);
    if (claim.authorId) {
      await notify(chorus, tx, {
        userId: claim.authorId,
        workspaceId: variant.workspaceId,
        kind: outcome.kind === 'failed' ? 'post.publish_failed' : 'post.needs_attention',
        title: outcome.kind === 'failed' ? `Your post to ${claim.profile.handle} was not published` : `Check your post to ${claim.profile.handle}`,
        body: reason,
        link: `/w/${variant.workspaceId}/publish/posts/${variant.postId}`,
      });
    }
  });
}
