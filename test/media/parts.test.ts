import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDiskStorage, StorageKeyError } from '../../src/media/storage.ts';
import { Mp4Error, Mp4Scanner, parseMoov } from '../../src/media/mp4.ts';
import { sniffType } from '../../src/media/sniff.ts';
import { parseRange } from '../../src/media/routes.ts';
import { box, buildVideo } from './mp4-fixture.ts';

describe('local disk media storage', () => {
  const root = mkdtempSync(join(tmpdir(), 'chorus-storage-'));
  const storage = new LocalDiskStorage(join(root, 'media'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('puts, reads, ranges, moves and deletes by key', async () => {
    await storage.put('ws/a/original.png', Buffer.from('0123456789'));
    expect(await storage.exists('ws/a/original.png')).toBe(true);
    expect(await storage.size('ws/a/original.png')).toBe(10);
    expect((await storage.read('ws/a/original.png')).toString()).toBe('0123456789');
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get('ws/a/original.png', { start: 2, end: 4 })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('234');
    await storage.move('ws/a/original.png', 'ws/b/original.png');
    expect(await storage.exists('ws/a/original.png')).toBe(false);
    await storage.delete('ws/b/original.png');
    await storage.delete('ws/b/original.png'); // twice is fine
    expect(await storage.size('ws/b/original.png')).toBeNull();
    await expect(storage.get('ws/b/original.png')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses keys that could leave its directory', async () => {
    writeFileSync(join(root, 'secret.txt'), 'do not read');
    for (const key of ['../secret.txt', 'ws/../../secret.txt', '/etc/passwd', 'ws\\..\\x', '.hidden', 'ws/.part', '', 'a//b', 'ws/a b', 'ws/%2e%2e/x']) {
      expect(() => storage.pathOf(key), key).toThrow(StorageKeyError);
      await expect(storage.read(key), key).rejects.toThrow(StorageKeyError);
    }
  });

  it('leaves nothing behind when the source fails half way', async () => {
    async function* failing() {
      yield Buffer.alloc(1000, 1);
      throw new Error('client went away');
    }
    await expect(storage.put('tmp/upload', Readable.from(failing()))).rejects.toThrow('client went away');
    expect(await storage.exists('tmp/upload')).toBe(false);
    expect(readdirSync(join(root, 'media', 'tmp'))).toEqual([]);
  });
});

describe('file types from magic bytes', () => {
  it('knows the accepted types and nothing else', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))?.mimeType).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))?.mimeType).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))?.mimeType).toBe('image/webp');
    expect(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(sniffType(buildVideo({ width: 2, height: 2, timescale: 1, duration: 1 }))?.mimeType).toBe('video/mp4');
    expect(sniffType(buildVideo({ width: 2, height: 2, timescale: 1, duration: 1, brand: 'qt  ' }))?.mimeType).toBe('video/quicktime');
    expect(sniffType(buildVideo({ width: 2, height: 2, timescale: 1, duration: 1, brand: 'heic' }))).toBeNull();
    expect(sniffType(buildVideo({ width: 2, height: 2, timescale: 1, duration: 1, brand: 'M4A ' }))).toBeNull();
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBeNull();
  });
});

describe('MP4 / MOV container reading', () => {
  const scan = (file: Buffer, chunkSize: number) => {
    const scanner = new Mp4Scanner();
    for (let i = 0; i < file.length; i += chunkSize) scanner.push(file.subarray(i, i + chunkSize));
    return scanner.result();
  };

  it('finds the movie header wherever it is, whatever the chunking', () => {
    const files = [
      buildVideo({ width: 640, height: 360, timescale: 90000, duration: 90000 * 12 }),
      buildVideo({ width: 640, height: 360, timescale: 90000, duration: 90000 * 12, moovLast: true, version1: true, mdatBytes: 5000 }),
    ];
    for (const file of files) {
      for (const size of [1, 3, 7, 8, 15, 16, 17, 64, 4096, file.length]) {
        expect(scan(file, size), `chunks of ${size}`).toEqual({ width: 640, height: 360, durationSeconds: 12 });
      }
    }
  });

  it('picks the video track, turns quarter-turned video upright, and refuses files without one', () => {
    expect(scan(buildVideo({ width: 1920, height: 1080, timescale: 600, duration: 600, rotated: true, withAudio: true }), 100)).toEqual({
      width: 1080,
      height: 1920,
      durationSeconds: 1,
    });
    const audioOnly = box('moov', box('mvhd', Buffer.alloc(100)));
    expect(() => parseMoov(audioOnly)).toThrow(Mp4Error);
    expect(() => scan(buildVideo({ width: 2, height: 2, timescale: 1, duration: 1 }).subarray(0, 40), 8)).toThrow(/no complete movie header/);
  });

  it('treats lying box sizes as damage, not as a reason to read elsewhere', () => {
    const file = buildVideo({ width: 640, height: 360, timescale: 1000, duration: 1000 });
    const moovAt = file.indexOf('moov') - 4;
    const grown = Buffer.from(file);
    grown.writeUInt32BE(file.readUInt32BE(moovAt + 8) + 1000, moovAt + 8); // mvhd claims more than moov holds
    expect(() => scan(grown, 50)).toThrow(Mp4Error);
    const tiny = Buffer.from(file);
    tiny.writeUInt32BE(4, 0); // ftyp claims 4 bytes
    expect(() => scan(tiny, 50)).toThrow(/damaged/);
  });
});

describe('Range headers', () => {
  it('parses the single ranges players send', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange(undefined, 1000)).toBeNull();
  });
});
