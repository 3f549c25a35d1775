import { bigserial, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.ts';
import { workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import type { PublishCheckpoint } from '../connectors/connector.ts';

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    goal: text('goal').notNull().default(''),
    /** #rrggbb, used on the calendar. */
    color: text('color').notNull().default('#4f46e5'),
    startsOn: date('starts_on'),
    endsOn: date('ends_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('campaigns_workspace_name_key').on(t.workspaceId, t.name)],
);

/** What the author wrote once: the shared text, and what groups it (campaign, tags). */
export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
    text: text('text').notNull().default(''),
    tags: text('tags').array().notNull().default([]),
    /** Media library items, in order, for every variant that does not choose its own. */
    mediaIds: uuid('media_ids').array().notNull().default([]),
    /**
     * Repeat rule of a recurring (evergreen) post: every `interval` days, weeks or months, until a
     * date or for a number of occurrences. Copied to each occurrence.
     */
    repeat: jsonb('repeat').$type<RepeatRule | null>(),
    /** The first post of a series of repeats (itself for the first), and which occurrence this is. */
    seriesId: uuid('series_id'),
    occurrence: integer('occurrence').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('posts_workspace_idx').on(t.workspaceId), uniqueIndex('posts_series_occurrence_key').on(t.seriesId, t.occurrence)],
);

export interface RepeatRule {
  every: 'day' | 'week' | 'month';
  interval: number;
  /** Last day (workspace zone, YYYY-MM-DD) an occurrence may fall on. */
  until?: string;
  /** Total occurrences, the first included. */
  count?: number;
}

export const VARIANT_STATUSES = ['draft', 'pending_approval', 'scheduled', 'publishing', 'published', 'failed', 'needs_attention'] as const;
export type VariantStatus = (typeof VARIANT_STATUSES)[number];

/**
 * The post as it goes to one profile: its own text when tailored, its own schedule and state.
 * Lifecycle: draft -> (pending_approval ->) scheduled -> publishing -> published | failed | needs_attention.
 */
export const postVariants = pgTable(
  'post_variants',
  {
    id: uuid('id').primaryKey(),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    profileId: uuid('profile_id').notNull().references(() => socialProfiles.id, { onDelete: 'cascade' }),
    /** Null: use the post's shared text. */
    text: text('text'),
    /** Null: use the post's media. */
    mediaIds: uuid('media_ids').array(),
    status: text('status', { enum: VARIANT_STATUSES }).notNull().default('draft'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    /**
     * Bumped on every change of schedule or content: a queued publish job carries the version it
     * was queued for and does nothing when the variant has moved on since.
     */
    version: integer('version').notNull().default(1),
    /** Sent to the network with every attempt of this publication; a retry reuses it. */
    idempotencyKey: text('idempotency_key').notNull(),
    remoteId: text('remote_id'),
    remoteUrl: text('remote_url'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('post_variants_post_profile_key').on(t.postId, t.profileId),
    index('post_variants_calendar_idx').on(t.workspaceId, t.scheduledAt),
    index('post_variants_status_idx').on(t.status, t.scheduledAt),
  ],
);

/** A connector's checkpoint, and which content it was made for (an edit invalidates it). */
export interface StoredCheckpoint {
  /** SHA-256 of the text and media the checkpoint was made with. */
  content: string;
  state: PublishCheckpoint;
}

/** Every try at publishing a variant: what was sent under which key, and how it ended. */
export const publishAttempts = pgTable(
  'publish_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    variantId: uuid('variant_id').notNull().references(() => postVariants.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    workerId: text('worker_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** null while in flight; a crash leaves it null for the reconciler to find. */
    outcome: text('outcome', { enum: ['published', 'failed', 'retry', 'unknown', 'reconciled'] }),
    detail: text('detail'),
    /**
     * How far a multi-step publish got (a Meta media container made, the posts of a thread
     * already out), saved before the step that posts: a later attempt resumes from it instead of
     * starting over.
     */
    checkpoint: jsonb('checkpoint').$type<StoredCheckpoint>(),
  },
  (t) => [index('publish_attempts_variant_idx').on(t.variantId)],
);

/** Internal notes on a post: the team's conversation about it, never published. */
export const postNotes = pgTable(
  'post_notes',
  {
    id: uuid('id').primaryKey(),
    postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('post_notes_post_idx').on(t.postId, t.createdAt)],
);

/**
 * A profile's weekly posting times ("Mondays 09:00"), in the workspace's time zone. "Add to
 * queue" puts a post in the next slot no other post of that profile takes.
 */
export const postingSlots = pgTable(
  'posting_slots',
  {
    profileId: uuid('profile_id').notNull().references(() => socialProfiles.id, { onDelete: 'cascade' }),
    /** ISO weekday: 1 = Monday … 7 = Sunday. */
    weekday: smallint('weekday').notNull(),
    /** HH:mm, wall-clock time. */
    time: text('time').notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.weekday, t.time] })],
);
