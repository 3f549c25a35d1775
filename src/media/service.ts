import { and, count, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { now } from '../core/clock.ts';
import { AppError, notFound } from '../core/errors.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { MEDIA_KINDS, mediaAssets, type MediaKind } from './schema.ts';
import type { MediaStorage } from './storage.ts';
import { analyseImage, type StagedUpload } from './upload.ts';

export type MediaAsset = typeof mediaAssets.$inferSelect;

export const ALT_TEXT_MAX = 2000;
export const altTextSchema = z.string().max(ALT_TEXT_MAX, `Alt text can be at most ${ALT_TEXT_MAX} characters.`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the API shows of an asset: no storage keys. */
export function mediaView(asset: MediaAsset) {
  const base = `/api/v1/workspaces/${asset.workspaceId}/media/${asset.id}`;
  return {
    id: asset.id,
    kind: asset.kind,
    mimeType: asset.mimeType,
    bytes: asset.bytes,
    width: asset.width,
    height: asset.height,
    durationSeconds: asset.durationSeconds,
    altText: asset.altText,
    originalFilename: asset.originalFilename,
    sha256: asset.sha256,
    uploadedBy: asset.uploadedBy,
    createdAt: asset.createdAt.toISOString(),
    fileUrl: `${base}/file`,
    thumbnailUrl: asset.thumbnailKey ? `${base}/thumbnail` : null,
  };
}

/** A file name as the user gave it, reduced to a plain, printable base name. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
}

export async function getMedia(db: Queryable, workspaceId: string, id: string): Promise<MediaAsset> {
  if (!UUID.test(id)) throw notFound('media');
  const [asset] = await db.select().from(mediaAssets).where(and(eq(mediaAssets.workspaceId, workspaceId), eq(mediaAssets.id, id)));
  if (!asset) throw notFound('media');
  return asset;
}

export const listMediaQuery = z.object({
  kind: z.enum(MEDIA_KINDS).optional(),
  /** Words found in the file name or the alt text. */
  search: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListMediaQuery = z.infer<typeof listMediaQuery>;

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A page of the library, newest first. */
export async function listMedia(db: Queryable, workspaceId: string, q: ListMediaQuery) {
  const filters: SQL[] = [eq(mediaAssets.workspaceId, workspaceId)];
  if (q.kind) filters.push(eq(mediaAssets.kind, q.kind));
  if (q.search) {
    const pattern = `%${escapeLike(q.search)}%`;
    filters.push(or(ilike(mediaAssets.originalFilename, pattern), ilike(mediaAssets.altText, pattern))!);
  }
  const where = and(...filters);
  const rows = await db.select().from(mediaAssets).where(where).orderBy(desc(mediaAssets.createdAt), desc(mediaAssets.id)).limit(q.limit).offset(q.offset);
  const [total] = await db.select({ n: count() }).from(mediaAssets).where(where);
  return { media: rows, total: total?.n ?? 0 };
}

export interface CommitInput {
  altText: string;
  filename: string;
  uploadedBy: string | null;
}

/**
 * Puts a staged upload into the library. The same bytes already in the workspace give back the
 * existing asset (`created: false`) and the staged file is dropped. Otherwise the row, its audit
 * event and the move of the files to their final keys happen in one transaction: if the move
 * fails the row is rolled back, and if the commit fails the moved files are removed. Either way
 * the temporary files are gone when this returns.
 */
export async function commitUpload(
  db: Db,
  storage: MediaStorage,
  actor: Actor,
  workspaceId: string,
  staged: StagedUpload,
  input: CommitInput,
): Promise<{ asset: MediaAsset; created: boolean }> {
  const temps = [staged.tempKey];
  const placed: string[] = [];
  try {
    const existing = await findBySha(db, workspaceId, staged.sha256);
    if (existing) return { asset: existing, created: false };

    let dimensions: { width: number; height: number };
    let thumbTemp: string | null = null;
    if (staged.type.kind === 'image') {
      const image = await analyseImage(await storage.read(staged.tempKey));
      dimensions = image;
      thumbTemp = `${staged.tempKey}-thumb`;
      temps.push(thumbTemp);
      await storage.put(thumbTemp, image.thumbnail);
    } else {
      dimensions = { width: staged.video!.width, height: staged.video!.height };
    }

    const id = newId();
    const storageKey = `${workspaceId}/${id}/original.${staged.type.extension}`;
    const thumbnailKey = thumbTemp ? `${workspaceId}/${id}/thumbnail.webp` : null;
    const asset = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(mediaAssets)
        .values({
          id,
          workspaceId,
          kind: staged.type.kind,
          mimeType: staged.type.mimeType,
          bytes: staged.bytes,
          width: dimensions.width,
          height: dimensions.height,
          durationSeconds: staged.video?.durationSeconds ?? null,
          altText: input.altText,
          originalFilename: input.filename,
          sha256: staged.sha256,
          storageKey,
          thumbnailKey,
          uploadedBy: input.uploadedBy,
          createdAt: now(),
        })
        .onConflictDoNothing({ target: [mediaAssets.workspaceId, mediaAssets.sha256] })
        .returning();
      if (!row) return null; // the same file, uploaded at the same moment by someone else
      await recordAudit(tx, actor, {
        workspaceId,
        action: 'media.uploaded',
        targetType: 'media',
        targetId: id,
        after: { kind: row.kind, mimeType: row.mimeType, bytes: row.bytes, originalFilename: row.originalFilename, altText: row.altText },
      });
      placed.push(storageKey);
      await storage.move(staged.tempKey, storageKey);
      if (thumbTemp && thumbnailKey) {
        placed.push(thumbnailKey);
        await storage.move(thumbTemp, thumbnailKey);
      }
      return row;
    });
    if (!asset) return { asset: (await findBySha(db, workspaceId, staged.sha256))!, created: false };
    placed.length = 0;
    return { asset, created: true };
  } finally {
    await Promise.all([...temps, ...placed].map((key) => storage.delete(key).catch(() => {})));
  }
}

async function findBySha(db: Queryable, workspaceId: string, sha256: string) {
  const [row] = await db.select().from(mediaAssets).where(and(eq(mediaAssets.workspaceId, workspaceId), eq(mediaAssets.sha256, sha256)));
  return row ?? null;
}

export async function setAltText(db: Db, actor: Actor, workspaceId: string, id: string, altText: string): Promise<MediaAsset> {
  return db.transaction(async (tx) => {
    const before = await getMedia(tx, workspaceId, id);
    if (before.altText === altText) return before;
    const [after] = await tx.update(mediaAssets).set({ altText }).where(eq(mediaAssets.id, id)).returning();
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'media.alt_text_changed',
      targetType: 'media',
      targetId: id,
      before: { altText: before.altText },
      after: { altText },
    });
    return after!;
  });
}

/**
 * Removes an asset: the row (with its audit event) first, then its files, so that no row ever
 * points at a missing file. A file that cannot be removed is left behind as an orphan, not an error.
 */
export async function deleteMedia(db: Db, storage: MediaStorage, actor: Actor, workspaceId: string, id: string, onOrphan?: (key: string, error: unknown) => void) {
  const asset = await db.transaction(async (tx) => {
    const found = await getMedia(tx, workspaceId, id);
    await tx.delete(mediaAssets).where(eq(mediaAssets.id, id));
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'media.deleted',
      targetType: 'media',
      targetId: id,
      before: { kind: found.kind, mimeType: found.mimeType, bytes: found.bytes, originalFilename: found.originalFilename, sha256: found.sha256 },
    });
    return found;
  });
  for (const key of [asset.storageKey, asset.thumbnailKey]) {
    if (key) await storage.delete(key).catch((error: unknown) => onOrphan?.(key, error));
  }
  return asset;
}

/** A library file ready to hand to a connector (see `MediaInput` in connectors/connector.ts). */
export interface MediaForPublishing {
  id: string;
  kind: MediaKind;
  mimeType: string;
  data: Uint8Array;
  altText: string;
  width: number;
  height: number;
  durationSeconds: number | null;
}

/**
 * The bytes and details of media attached to a post, in the order of `ids` (an id given twice
 * comes twice). Every id must belong to `workspaceId`: an id that does not, or does not exist,
 * fails the whole call with 404 `media_not_found` and names it in `mediaId`.
 */
export async function mediaForPublishing(db: Queryable, workspaceId: string, ids: readonly string[], storage: MediaStorage): Promise<MediaForPublishing[]> {
  if (ids.length === 0) return [];
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined) throw new AppError(404, 'media_not_found', 'A media file of this post no longer exists.', { mediaId: bad });
  const rows = await db.select().from(mediaAssets).where(and(eq(mediaAssets.workspaceId, workspaceId), inArray(mediaAssets.id, [...new Set(ids)])));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw new AppError(404, 'media_not_found', 'A media file of this post no longer exists.', { mediaId: missing });
  const data = new Map<string, Uint8Array>();
  for (const row of byId.values()) data.set(row.id, new Uint8Array(await storage.read(row.storageKey)));
  return ids.map((id) => {
    const row = byId.get(id)!;
    return {
      id,
      kind: row.kind,
      mimeType: row.mimeType,
      data: data.get(id)!,
      altText: row.altText,
      width: row.width,
      height: row.height,
      durationSeconds: row.durationSeconds,
    };
  });
}

/** What the composer needs to check media against a network's rules, without reading the files. */
export async function mediaSummaries(db: Queryable, workspaceId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  if (ids.some((id) => !UUID.test(id))) throw new AppError(422, 'validation_failed', 'A media id is not valid.', { field: 'mediaIds' });
  const rows = await db.select().from(mediaAssets).where(and(eq(mediaAssets.workspaceId, workspaceId), inArray(mediaAssets.id, [...new Set(ids)])));
  const missing = ids.find((id) => !rows.some((r) => r.id === id));
  if (missing) throw new AppError(422, 'validation_failed', 'One of the media files is not in this workspace’s library.', { field: 'mediaIds', mediaId: missing });
  return ids.map((id) => {
    const r = rows.find((row) => row.id === id)!;
    return { id, kind: r.kind, mimeType: r.mimeType, bytes: r.bytes, altText: r.altText, width: r.width, height: r.height, durationSeconds: r.durationSeconds };
  });
}
