import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/crypto.ts';
import type { MediaStorage } from './storage.ts';
import { ACCEPTED_TYPES, SNIFF_BYTES, sniffType, type SniffedType } from './sniff.ts';
import { Mp4Error, Mp4Scanner, type VideoInfo } from './mp4.ts';
import type { MediaKind } from './schema.ts';

export interface MediaLimits {
  imageMaxBytes: number;
  videoMaxBytes: number;
}

/** An upload written to a temporary key, checked, hashed and measured, not yet in the library. */
export interface StagedUpload {
  tempKey: string;
  type: SniffedType;
  bytes: number;
  sha256: string;
  /** Read from the video container while it streamed; images are measured when committed. */
  video: VideoInfo | null;
}

const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export const tooLarge = (kind: MediaKind | 'file', limit: number) =>
  new AppError(413, 'file_too_large', `This ${kind === 'file' ? 'file' : kind} is larger than the ${mb(limit)} allowed.`, { limitBytes: limit });

export const unsupportedType = (message = `Only JPEG, PNG, GIF and WebP images and MP4 or QuickTime (MOV) videos can be uploaded.`) =>
  new AppError(415, 'unsupported_media_type', message, { accepted: [...ACCEPTED_TYPES] });

export const limitOf = (limits: MediaLimits, kind: MediaKind) => (kind === 'image' ? limits.imageMaxBytes : limits.videoMaxBytes);

/**
 * Streams an upload to a temporary key while checking it: its type is decided from the first
 * bytes (an unsupported file stops at once), the kind's size limit is enforced as bytes arrive
 * (a too-large file stops as soon as it passes the limit), the SHA-256 is computed on the way, and
 * a video's container is scanned for its size and duration. On any failure nothing is left in
 * storage and the error says why (413, 415, 422).
 */
export async function stageUpload(storage: MediaStorage, limits: MediaLimits, source: AsyncIterable<Buffer>): Promise<StagedUpload> {
  const hash = createHash('sha256');
  let type: SniffedType | null = null;
  let bytes = 0;
  const scanner = new Mp4Scanner();

  function accept(chunk: Buffer): Buffer {
    bytes += chunk.length;
    if (bytes > limitOf(limits, type!.kind)) throw tooLarge(type!.kind, limitOf(limits, type!.kind));
    hash.update(chunk);
    if (type!.kind === 'video') scanner.push(chunk);
    return chunk;
  }

  async function* checked(): AsyncGenerator<Buffer> {
    let head = Buffer.alloc(0);
    for await (const chunk of source) {
      if (type) {
        yield accept(chunk);
        continue;
      }
      head = Buffer.concat([head, chunk]);
      if (head.length < SNIFF_BYTES) continue;
      type = sniffType(head);
      if (!type) throw unsupportedType();
      yield accept(head);
    }
    if (!type) {
      if (head.length === 0) throw new AppError(422, 'file_empty', 'The file is empty.', { field: 'file' });
      type = sniffType(head);
      if (!type) throw unsupportedType();
      yield accept(head);
    }
  }

  const tempKey = `tmp/${newId()}`;
  await storage.put(tempKey, Readable.from(checked()));
  try {
    let video: VideoInfo | null = null;
    if (type!.kind === 'video') {
      try {
        video = scanner.result();
      } catch (error) {
        if (error instanceof Mp4Error) throw unsupportedType(error.message);
        throw error;
      }
    }
    return { tempKey, type: type!, bytes, sha256: hash.digest('hex'), video };
  } catch (error) {
    await storage.delete(tempKey);
    throw error;
  }
}

export interface ImageInfo {
  width: number;
  height: number;
  /** A 400-pixel-wide WebP (smaller images keep their size). */
  thumbnail: Buffer;
}

export const THUMBNAIL_WIDTH = 400;

/** Decodes the image for real: its displayed size, and a thumbnail. A file that sharp cannot read is refused. */
export async function analyseImage(data: Buffer): Promise<ImageInfo> {
  try {
    const meta = await sharp(data).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    // EXIF orientations 5 to 8 turn the picture a quarter: what people see is the other way round.
    const turned = (meta.orientation ?? 1) >= 5;
    const thumbnail = await sharp(data)
      .rotate()
      .resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, thumbnail };
  } catch {
    throw unsupportedType('This image could not be read: the file is damaged or not really an image.');
  }
}
