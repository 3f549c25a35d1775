import { bigint, doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.ts';
import { workspaces } from '../workspaces/schema.ts';

export const MEDIA_KINDS = ['image', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * A file in a workspace's media library. The bytes live in media storage under `storageKey`
 * (keys are made by Chorus, never taken from a request); the row is only written once the file
 * is in place, and the file is only removed after the row is gone.
 */
export const mediaAssets = pgTable(
  'media_assets',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MEDIA_KINDS }).notNull(),
    /** Found from the file's own bytes, not from its name or the client's word. */
    mimeType: text('mime_type').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    /** As displayed (EXIF rotation and track matrix applied). */
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    durationSeconds: doublePrecision('duration_seconds'),
    altText: text('alt_text').notNull().default(''),
    originalFilename: text('original_filename').notNull().default(''),
    /** Hex SHA-256 of the bytes: the same file uploaded twice to a workspace is one asset. */
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('media_assets_workspace_sha256_key').on(t.workspaceId, t.sha256),
    index('media_assets_workspace_created_idx').on(t.workspaceId, t.createdAt),
  ],
);
