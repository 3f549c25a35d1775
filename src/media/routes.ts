import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { AppError, invalid } from '../core/errors.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { altTextSchema, cleanFilename, commitUpload, deleteMedia, getMedia, listMedia, listMediaQuery, mediaView, setAltText, ALT_TEXT_MAX } from './service.ts';
import { mediaStorage, type MediaStorage } from './storage.ts';
import { stageUpload, tooLarge, type MediaLimits, type StagedUpload } from './upload.ts';

const mediaParams = workspaceParams.extend({ mediaId: z.uuid() });

export async function mediaRoutes(app: ApiApp, chorus: Chorus) {
  const { db, config } = chorus;
  const storage = mediaStorage(config);
  const limits: MediaLimits = { imageMaxBytes: config.mediaMaxImageBytes, videoMaxBytes: config.mediaMaxVideoBytes };
  const largest = Math.max(limits.imageMaxBytes, limits.videoMaxBytes);
  const tags = ['media'];

  // Multipart parsing is registered for the upload route alone: every other route keeps the
  // JSON-only body parsing (and the global body limit) of the API.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      // One byte over the largest limit, so that the per-kind check in stageUpload speaks first.
      limits: { fileSize: largest + 1, files: 1, fields: 10, fieldSize: 16 * 1024, parts: 20, headerPairs: 200 },
      throwFileSizeLimit: true,
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/workspaces/:workspaceId/media',
      {
        config: { access: 'posts.draft' },
        schema: {
          tags,
          summary: 'Upload an image or a video',
          description:
            'multipart/form-data with the file in a part named `file` and, optionally, an `altText` field. ' +
            'The type is read from the file itself: JPEG, PNG, GIF, WebP, MP4, QuickTime. ' +
            'Uploading a file already in the library returns that asset (200, `deduplicated: true`).',
          consumes: ['multipart/form-data'],
          params: workspaceParams,
        },
      },
      async (request, reply) => {
        const { workspace, actor, user } = workspaceAuthOf(request);
        if (!request.isMultipart()) {
          throw new AppError(415, 'multipart_required', 'Upload files as multipart/form-data, with the file in a part named "file".');
        }
        const declared = Number(request.headers['content-length']);
        // Multipart framing adds a little; anything beyond that cannot be a file we would keep.
        if (Number.isFinite(declared) && declared > largest + 64 * 1024) throw tooLarge('file', largest);

        const { staged, fields, filename } = await receive(request, storage, limits);
        try {
          if (!staged) throw new AppError(422, 'file_missing', 'Attach the file in a part named "file".', { field: 'file' });
          const altText = altTextSchema.safeParse(fields.altText ?? '');
          if (!altText.success) throw invalid('altText', `Alt text can be at most ${ALT_TEXT_MAX} characters.`);
          const { asset, created } = await commitUpload(db, storage, actor, workspace.id, staged, {
            altText: altText.data,
            filename,
            uploadedBy: user.id,
          });
          return reply.status(created ? 201 : 200).send({ media: mediaView(asset), deduplicated: !created });
        } catch (error) {
          if (staged) await storage.delete(staged.tempKey).catch(() => {});
          throw error;
        }
      },
    );
  });

  app.get(
    '/workspaces/:workspaceId/media',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'The media library, newest first', params: workspaceParams, querystring: listMediaQuery } },
    async (request) => {
      const { media, total } = await listMedia(db, workspaceAuthOf(request).workspace.id, request.query);
      return { media: media.map(mediaView), total };
    },
  );

  app.get(
    '/workspaces/:workspaceId/media/:mediaId',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'One media file', params: mediaParams } },
    async (request) => ({ media: mediaView(await getMedia(db, workspaceAuthOf(request).workspace.id, request.params.mediaId)) }),
  );

  app.get(
    '/workspaces/:workspaceId/media/:mediaId/file',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'The file itself (supports Range)', params: mediaParams } },
    async (request, reply) => {
      const asset = await getMedia(db, workspaceAuthOf(request).workspace.id, request.params.mediaId);
      return sendObject(request, reply, storage, {
        key: asset.storageKey,
        mimeType: asset.mimeType,
        bytes: asset.bytes,
        etag: asset.sha256,
        filename: asset.originalFilename || `${asset.id}.${asset.storageKey.split('.').pop()}`,
      });
    },
  );

  app.get(
    '/workspaces/:workspaceId/media/:mediaId/thumbnail',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'A 400-pixel-wide WebP preview (images only)', params: mediaParams } },
    async (request, reply) => {
      const asset = await getMedia(db, workspaceAuthOf(request).workspace.id, request.params.mediaId);
      const size = asset.thumbnailKey ? await storage.size(asset.thumbnailKey) : null;
      if (!asset.thumbnailKey || size === null) throw new AppError(404, 'thumbnail_not_found', 'This media file has no thumbnail.');
      return sendObject(request, reply, storage, { key: asset.thumbnailKey, mimeType: 'image/webp', bytes: size, etag: `${asset.sha256}-t`, filename: `${asset.id}-thumbnail.webp` });
    },
  );

  app.patch(
    '/workspaces/:workspaceId/media/:mediaId',
    {
      config: { access: 'posts.draft' },
      schema: { tags, summary: 'Change the alt text', params: mediaParams, body: z.object({ altText: altTextSchema }) },
    },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { media: mediaView(await setAltText(db, actor, workspace.id, request.params.mediaId, request.body.altText)) };
    },
  );

  app.delete(
    '/workspaces/:workspaceId/media/:mediaId',
    { config: { access: 'posts.draft' }, schema: { tags, summary: 'Remove a media file from the library', params: mediaParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await deleteMedia(db, storage, actor, workspace.id, request.params.mediaId, (key, error) =>
        request.log.warn({ err: error, key }, 'media file left behind after delete'),
      );
      return reply.status(204).send();
    },
  );
}

/** Reads the multipart body: the first file is staged, text fields are collected. */
async function receive(request: FastifyRequest, storage: MediaStorage, limits: MediaLimits) {
  let staged: StagedUpload | null = null;
  let filename = '';
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (staged) {
          part.file.resume();
          continue;
        }
        filename = cleanFilename(part.filename);
        staged = await stageUpload(storage, limits, part.file);
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (staged) await storage.delete(staged.tempKey).catch(() => {});
    throw multipartError(error);
  }
  return { staged, fields, filename };
}

/** The multipart plugin's and busboy's errors as the API's JSON errors. */
function multipartError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError(413, 'file_too_large', 'The file is larger than allowed.');
    case 'FST_FILES_LIMIT':
      return new AppError(413, 'too_many_files', 'Upload one file per request.');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError(413, 'too_many_parts', 'The upload has too many fields.');
    case 'FST_PROTO_VIOLATION':
      return new AppError(400, 'multipart_invalid', 'The upload uses a forbidden field name.');
    case 'FST_MP_PREMATURE_CLOSE':
      return new AppError(400, 'upload_incomplete', 'The upload was cut off before it ended.');
    default:
      // busboy's parse errors (no boundary, malformed part headers, unexpected end of form).
      if (error instanceof Error && (/multipart|boundary|unexpected end of form|malformed/i.test(error.message) || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')) {
        return new AppError(400, 'multipart_invalid', `The upload is not valid multipart/form-data: ${error.message}.`);
      }
      return error;
  }
}

interface StoredObject {
  key: string;
  mimeType: string;
  bytes: number;
  etag: string;
  filename: string;
}

/**
 * Streams a stored file with its type, a strong ETag (the content hash: the bytes under an id
 * never change) and single byte ranges, which video players need to seek. Cached privately only:
 * the URL is behind a sign-in.
 */
export async function sendObject(request: FastifyRequest, reply: FastifyReply, storage: MediaStorage, object: StoredObject) {
  const etag = `"${object.etag}"`;
  const fresh = request.headers['if-none-match']?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`);
  const range = fresh ? null : parseRange(request.headers.range, object.bytes);
  if (range === 'unsatisfiable') {
    return reply.status(416).header('content-range', `bytes */${object.bytes}`).send({
      error: { code: 'range_not_satisfiable', message: 'The requested range is outside the file.', requestId: String(request.id) },
    });
  }
  let stream: Readable | null = null;
  if (!fresh) {
    try {
      stream = await storage.get(object.key, range ?? undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      request.log.error({ key: object.key }, 'media file missing from storage');
      throw new AppError(404, 'media_file_missing', 'The file of this media item is missing from storage.');
    }
  }
  reply
    .header('content-type', object.mimeType)
    .header('etag', etag)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('accept-ranges', 'bytes')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', `inline; filename*=UTF-8''${headerFilename(object.filename)}`);
  if (!stream) return reply.status(304).send();
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${object.bytes}`).header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(object.bytes));
  }
  return reply.send(stream);
}

/** RFC 5987 encoding: encodeURIComponent leaves a few characters that the header grammar does not allow. */
const headerFilename = (name: string) => encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** One `bytes=` range (the only form players send); several ranges are answered with the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
