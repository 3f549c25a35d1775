import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { form } from '../helpers/multipart.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { auditEvents } from '../../src/workspaces/schema.ts';
import { mediaAssets } from '../../src/media/schema.ts';
import { mediaForPublishing } from '../../src/media/service.ts';
import { mediaStorage } from '../../src/media/storage.ts';
import { buildVideo } from './mp4-fixture.ts';

const IMAGE_LIMIT = 300_000;
const VIDEO_LIMIT = 1_000_000;

const png = (width: number, height: number, color = { r: 200, g: 40, b: 90 }) =>
  sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } }).jpeg().toBuffer();

/** Every file under the media directory, relative paths. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe.each(BACKENDS)('media library (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let dataDir: string;
  const mediaDir = () => join(dataDir, 'media');
  const ws = (path: string, id = workspaceId) => `/api/v1/workspaces/${id}${path}`;

  async function upload(parts: Parameters<typeof form>[0], as: Client = owner, workspace = workspaceId) {
    const { body, contentType } = form(parts);
    return as.request('POST', ws('/media', workspace), body, { 'content-type': contentType });
  }
  const file = (value: Buffer, filename: string, type = 'application/octet-stream') => ({ name: 'file', value, filename, type });
  const rowCount = async () => (await t.database.db.select().from(mediaAssets)).length;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-media-'));
    t = await createTestApp(backend, { config: { dataDir, mediaMaxImageBytes: IMAGE_LIMIT, mediaMaxVideoBytes: VIDEO_LIMIT } });
    ({ owner, workspaceId } = await setupOwner(t.app));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads a PNG: reads its size, makes a 400-pixel WebP thumbnail, serves both with their type and cache headers', async () => {
    const image = await png(640, 480);
    const response = await upload([{ name: 'altText', value: 'A red square' }, file(image, 'square.png', 'image/png')]);
    expect(response.statusCode, response.body).toBe(201);
    const media = response.json().media;
    expect(media).toMatchObject({ kind: 'image', mimeType: 'image/png', width: 640, height: 480, bytes: image.length, altText: 'A red square', originalFilename: 'square.png', durationSeconds: null });
    expect(media.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(response.json())).not.toContain('original.png'); // storage keys stay inside

    const served = await owner.request('GET', media.fileUrl);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toContain('private');
    expect(served.headers.etag).toBe(`"${media.sha256}"`);
    expect(Buffer.compare(served.rawPayload, image)).toBe(0);
    const again = await owner.request('GET', media.fileUrl, undefined, { 'if-none-match': served.headers.etag as string });
    expect(again.statusCode).toBe(304);
    const part = await owner.request('GET', media.fileUrl, undefined, { range: 'bytes=0-7' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-7/${image.length}`);
    expect([...part.rawPayload]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const thumb = await owner.request('GET', media.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 400, height: 300 });

    const [audit] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'media.uploaded'));
    expect(audit).toMatchObject({ workspaceId, targetId: media.id, targetType: 'media' });
  });

  it('uploads a JPEG, reading its size as displayed (EXIF rotation) and never enlarging the thumbnail', async () => {
    const plain = await upload([file(await jpeg(300, 200), "C:\\fakepath\\Mum's holiday (1).JPG", 'image/jpeg')]);
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json().media).toMatchObject({ kind: 'image', mimeType: 'image/jpeg', width: 300, height: 200, originalFilename: "Mum's holiday (1).JPG" });
    const served = await owner.request('GET', plain.json().media.fileUrl);
    expect(served.headers['content-disposition']).toBe("inline; filename*=UTF-8''Mum%27s%20holiday%20%281%29.JPG");
    const thumb = await owner.request('GET', plain.json().media.thumbnailUrl);
    expect(await sharp(thumb.rawPayload).metadata()).toMatchObject({ width: 300, height: 200 });

    const turned = await sharp(await jpeg(320, 240)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const upright = await upload([file(turned, 'phone.jpg', 'image/jpeg')]);
    expect(upright.json().media).toMatchObject({ width: 240, height: 320 });
  });

  it('gives back the existing asset when the same file is uploaded again', async () => {
    const image = await png(50, 50, { r: 1, g: 2, b: 3 });
    const first = await upload([file(image, 'a.png')]);
    const filesBefore = filesUnder(mediaDir());
    const rowsBefore = await rowCount();
    const second = await upload([file(image, 'copy of a.png')]);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ deduplicated: true, media: { id: first.json().media.id, originalFilename: 'a.png' } });
    expect(await rowCount()).toBe(rowsBefore);
    expect(filesUnder(mediaDir())).toEqual(filesBefore);
  });

  it('keeps one asset when the same file arrives twice at once', async () => {
    const image = await png(33, 33, { r: 9, g: 9, b: 9 });
    const both = await Promise.all([upload([file(image, 'one.png')]), upload([file(image, 'two.png')])]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(new Set(both.map((r) => r.json().media.id)).size).toBe(1);
    const id = both[0]!.json().media.id;
    expect(filesUnder(mediaDir()).filter((f) => f.includes(id))).toHaveLength(2); // original and thumbnail
    expect(filesUnder(join(mediaDir(), 'tmp'))).toEqual([]);
  });

  it('goes by the bytes, not the name or the declared type', async () => {
    const disguised = await upload([file(await png(20, 10), 'clip.mp4', 'video/mp4')]);
    expect(disguised.statusCode).toBe(201);
    expect(disguised.json().media).toMatchObject({ kind: 'image', mimeType: 'image/png', width: 20, height: 10 });

    const rows = await rowCount();
    const files = filesUnder(mediaDir());
    const text = await upload([file(Buffer.from('Just some notes, not a picture at all.\n'), 'photo.jpg', 'image/jpeg')]);
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatchObject({ code: 'unsupported_media_type' });
    expect(text.json().error.message).toMatch(/JPEG, PNG/);
    // Looks like a PNG for eight bytes, but is not one: sharp refuses to decode it.
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
    const broken = await upload([file(fake, 'fake.png')]);
    expect(broken.statusCode).toBe(415);
    expect(await rowCount()).toBe(rows);
    expect(filesUnder(mediaDir())).toEqual(files);
  });

  it('uploads an MP4 and a QuickTime movie, reading size and duration from the container', async () => {
    const mp4 = buildVideo({ width: 1280, height: 720, timescale: 1000, duration: 4500 });
    const response = await upload([file(mp4, 'clip.mp4', 'video/mp4')]);
    expect(response.statusCode, response.body).toBe(201);
    const media = response.json().media;
    expect(media).toMatchObject({ kind: 'video', mimeType: 'video/mp4', width: 1280, height: 720, durationSeconds: 4.5, thumbnailUrl: null });
    const served = await owner.request('GET', media.fileUrl);
    expect(served.headers['content-type']).toBe('video/mp4');
    expect(served.rawPayload.length).toBe(mp4.length);
    expect((await owner.request('GET', `${media.fileUrl.replace('/file', '/thumbnail')}`)).statusCode).toBe(404);

    // Filmed upright on a phone, movie header at the end, 64-bit box sizes.
    const mov = buildVideo({ width: 1920, height: 1080, timescale: 600, duration: 1800, brand: 'qt  ', moovLast: true, rotated: true, version1: true, withAudio: true, mdatBytes: 100_000 });
    const movie = await upload([file(mov, 'IMG_0001.MOV', 'video/quicktime')]);
    expect(movie.statusCode, movie.body).toBe(201);
    expect(movie.json().media).toMatchObject({ kind: 'video', mimeType: 'video/quicktime', width: 1080, height: 1920, durationSeconds: 3 });

    const noMovie = Buffer.concat([mp4.subarray(0, 24), Buffer.alloc(64)]);
    expect((await upload([file(noMovie, 'cut.mp4')])).statusCode).toBe(415);
  });

  it('refuses files over the limit of their kind with 413, leaving nothing on disk and no row', async () => {
    const rows = await rowCount();
    const files = filesUnder(mediaDir());
    // Noise does not compress: a PNG of about 480 KB, over the 300 KB image limit but under the video one.
    const noisy = await sharp(randomBytes(400 * 400 * 3), { raw: { width: 400, height: 400, channels: 3 } }).png().toBuffer();
    expect(noisy.length).toBeGreaterThan(IMAGE_LIMIT);
    const image = await upload([file(noisy, 'noise.png', 'image/png')]);
    expect(image.statusCode).toBe(413);
    expect(image.json().error).toMatchObject({ code: 'file_too_large', limitBytes: IMAGE_LIMIT });
    expect(image.json().error.message).toMatch(/image is larger than/);

    const video = await upload([file(buildVideo({ width: 640, height: 360, timescale: 1000, duration: 1000, mdatBytes: 2_000_000 }), 'long.mp4')]);
    expect(video.statusCode).toBe(413);
    expect(video.json().error.code).toBe('file_too_large');

    // Just over the video limit, under the early Content-Length check: stopped while streaming.
    const streamed = await upload([file(buildVideo({ width: 640, height: 360, timescale: 1000, duration: 1000, mdatBytes: VIDEO_LIMIT }), 'long.mp4')]);
    expect(streamed.statusCode).toBe(413);
    expect(await rowCount()).toBe(rows);
    expect(filesUnder(mediaDir())).toEqual(files);
  });

  it('answers clear JSON errors for uploads that are not multipart or carry no file', async () => {
    const missing = await upload([{ name: 'altText', value: 'nothing attached' }]);
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error).toMatchObject({ code: 'file_missing', field: 'file' });
    const json = await owner.request('POST', ws('/media'), { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('multipart_required');
    const empty = await upload([file(Buffer.alloc(0), 'empty.png')]);
    expect(empty.statusCode).toBe(422);
    const garbage = await owner.request('POST', ws('/media'), 'not really multipart', { 'content-type': 'multipart/form-data' });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.code).toBe('multipart_invalid');
    const tooLongAlt = await upload([{ name: 'altText', value: 'x'.repeat(2001) }, file(await png(11, 11), 'a.png')]);
    expect(tooLongAlt.statusCode).toBe(422);
    expect(tooLongAlt.json().error.field).toBe('altText');
    // JSON routes keep the global body limit and its JSON error.
    const big = await owner.request('PATCH', ws('/media/00000000-0000-4000-8000-000000000000'), { altText: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });

  it('lists newest first with kind and text filters and paging, and edits alt text (audited, at most 2000 characters)', async () => {
    const all = (await owner.request('GET', ws('/media?limit=100'))).json();
    expect(all.total).toBe(all.media.length);
    const times = all.media.map((m: { createdAt: string }) => m.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const videos = (await owner.request('GET', ws('/media?kind=video'))).json();
    expect(videos.media.length).toBeGreaterThan(0);
    expect(videos.media.every((m: { kind: string }) => m.kind === 'video')).toBe(true);
    expect((await owner.request('GET', ws('/media?search=red%20squ'))).json().media.map((m: { altText: string }) => m.altText)).toEqual(['A red square']);
    expect((await owner.request('GET', ws('/media?search=IMG_0001'))).json().total).toBe(1);
    expect((await owner.request('GET', ws('/media?search=100%25'))).json().total).toBe(0);
    const page = (await owner.request('GET', ws('/media?limit=2&offset=1'))).json();
    expect(page.media.map((m: { id: string }) => m.id)).toEqual(all.media.slice(1, 3).map((m: { id: string }) => m.id));

    const id = videos.media[0].id;
    const edited = await owner.request('PATCH', ws(`/media/${id}`), { altText: 'A short clip of the launch' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().media.altText).toBe('A short clip of the launch');
    expect((await owner.request('GET', ws(`/media/${id}`))).json().media.altText).toBe('A short clip of the launch');
    expect((await owner.request('PATCH', ws(`/media/${id}`), { altText: 'x'.repeat(2001) })).statusCode).toBe(422);
    const [audit] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'media.alt_text_changed'));
    expect(audit).toMatchObject({ targetId: id, before: { altText: '' }, after: { altText: 'A short clip of the launch' } });
  });

  it('keeps each workspace\'s media to itself', async () => {
    const other = await owner.request('POST', '/api/v1/workspaces', { name: 'Other brand' });
    const otherId = other.json().workspace.id;
    const outsider = await memberWithRole(t.app, owner, otherId, 'publisher');
    const mine = (await owner.request('GET', ws('/media?limit=1'))).json().media[0];
    for (const path of [`/media/${mine.id}`, `/media/${mine.id}/file`, `/media/${mine.id}/thumbnail`]) {
      expect((await outsider.api.request('GET', ws(path))).statusCode, path).toBe(404);
      expect((await outsider.api.request('GET', ws(path, otherId))).statusCode, path).toBe(404);
    }
    expect((await outsider.api.request('DELETE', ws(`/media/${mine.id}`, otherId))).statusCode).toBe(404);
    expect((await outsider.api.request('GET', ws('/media', otherId))).json().total).toBe(0);
    // The same bytes in another workspace are that workspace's own asset.
    const image = await png(50, 50, { r: 1, g: 2, b: 3 });
    const theirs = await upload([file(image, 'a.png')], outsider.api, otherId);
    expect(theirs.statusCode).toBe(201);
    await expect(mediaForPublishing(t.database.db, otherId, [mine.id], mediaStorage(t.chorus.config))).rejects.toMatchObject({ status: 404, code: 'media_not_found' });
    // Analysts may look but not upload.
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');
    expect((await analyst.api.request('GET', ws(`/media/${mine.id}/file`))).statusCode).toBe(200);
    expect((await upload([file(image, 'a.png')], analyst.api)).statusCode).toBe(403);
  });

  it('hands media to the publisher in the order asked, with bytes and alt text', async () => {
    const list = (await owner.request('GET', ws('/media?limit=100'))).json().media;
    const video = list.find((m: { kind: string }) => m.kind === 'video');
    const image = list.find((m: { altText: string }) => m.altText === 'A red square');
    const media = await mediaForPublishing(t.database.db, workspaceId, [video.id, image.id], mediaStorage(t.chorus.config));
    expect(media.map((m) => m.kind)).toEqual(['video', 'image']);
    expect(media[1]).toMatchObject({ mimeType: 'image/png', altText: 'A red square', width: 640, height: 480 });
    expect(media[1]!.data).toBeInstanceOf(Uint8Array);
    expect(media[1]!.data.length).toBe(image.bytes);
    expect((await sharp(media[1]!.data).metadata()).format).toBe('png');
    expect(await mediaForPublishing(t.database.db, workspaceId, [], mediaStorage(t.chorus.config))).toEqual([]);
    await expect(mediaForPublishing(t.database.db, workspaceId, ['not-an-id'], mediaStorage(t.chorus.config))).rejects.toMatchObject({ status: 404 });
  });

  it('deletes the row and then its files (audited)', async () => {
    const image = (await owner.request('GET', ws('/media?search=square.png'))).json().media[0];
    const row = (await t.database.db.select().from(mediaAssets).where(eq(mediaAssets.id, image.id)))[0]!;
    const storage = mediaStorage(t.chorus.config);
    expect(await storage.exists(row.storageKey)).toBe(true);
    expect(await storage.exists(row.thumbnailKey!)).toBe(true);
    const deleted = await owner.request('DELETE', ws(`/media/${image.id}`));
    expect(deleted.statusCode).toBe(204);
    expect(await storage.exists(row.storageKey)).toBe(false);
    expect(await storage.exists(row.thumbnailKey!)).toBe(false);
    expect(filesUnder(mediaDir()).some((f) => f.includes(image.id))).toBe(false);
    expect((await owner.request('GET', ws(`/media/${image.id}`))).statusCode).toBe(404);
    expect((await owner.request('GET', image.fileUrl)).statusCode).toBe(404);
    expect((await owner.request('DELETE', ws(`/media/${image.id}`))).statusCode).toBe(404);
    const [audit] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'media.deleted'));
    expect(audit).toMatchObject({ targetId: image.id, before: { originalFilename: 'square.png' } });
    expect(filesUnder(join(mediaDir(), 'tmp'))).toEqual([]);
  });
});
