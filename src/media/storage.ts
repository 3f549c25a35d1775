import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomToken } from '../core/crypto.ts';
import type { Config } from '../core/config.ts';

/**
 * Where media bytes live. Keys are made by Chorus (`<workspace>/<asset>/original.png`,
 * `tmp/<random>`), never taken from a request. The local-disk store below is the default; an
 * S3-compatible store implements the same five calls (PutObject, GetObject with Range,
 * DeleteObject, HeadObject, CopyObject + DeleteObject for `move`). See
 * docs/decisions/0006-media-storage-seam.md.
 */
export interface MediaStorage {
  /**
   * Writes the whole stream under `key`. Either the object exists complete afterwards or the
   * call rejects and nothing is left under `key` (the source's error is rethrown as is).
   */
  put(key: string, source: Readable | Uint8Array): Promise<{ bytes: number }>;
  /** The object's bytes, or a byte range of them (`end` inclusive, like HTTP Range). */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Reads a whole object into memory; for small files and for publishing. */
  read(key: string): Promise<Buffer>;
  /** Size in bytes, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Renames an object (same store). Overwrites `to`. */
  move(from: string, to: string): Promise<void>;
}

export class StorageKeyError extends Error {}

const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/** Keys are plain relative paths of safe segments: no `..`, no leading slash, no backslash. */
export function assertKey(key: string): void {
  if (!KEY.test(key) || key.length > 300 || key.split('/').some((s) => s === '.' || s === '..' || s.startsWith('.'))) {
    throw new StorageKeyError(`Invalid storage key: ${JSON.stringify(key)}`);
  }
}

/**
 * Files under one directory (`${dataDir}/media` by default). Writes go to a hidden sibling first
 * and are renamed into place, so a reader never sees half a file and a crash leaves only a
 * `.part` file that no key can name. With several Chorus processes (DATABASE_URL), this directory
 * must be the same shared filesystem for all of them (NFS, a shared volume), or use object storage.
 */
export class LocalDiskStorage implements MediaStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file path of a key; refuses anything that would land outside the root. */
  pathOf(key: string): string {
    assertKey(key);
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new StorageKeyError(`Storage key escapes the media directory: ${key}`);
    return path;
  }

  async put(key: string, source: Readable | Uint8Array): Promise<{ bytes: number }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = join(dirname(path), `.${randomToken(9)}.part`);
    try {
      const stream = source instanceof Uint8Array ? Readable.from([source]) : source;
      const out = createWriteStream(partial, { flags: 'wx', mode: 0o640 });
      await pipeline(stream, out);
      // Durable before it is named: the database row that will point at it may commit next.
      const handle = await open(partial, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const { size } = await stat(partial);
      await rename(partial, path);
      return { bytes: size };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.pathOf(key);
    // Open first so that a missing file rejects here, not later on the stream.
    const handle = await open(path, 'r');
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async read(key: string): Promise<Buffer> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? s.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.pathOf(to);
    const source = this.pathOf(from);
    await mkdir(dirname(target), { recursive: true });
    await rename(source, target);
  }
}

const stores = new WeakMap<Config, MediaStorage>();

/** The media store of an instance: local disk under `${dataDir}/media`. */
export function mediaStorage(config: Config): MediaStorage {
  let store = stores.get(config);
  if (!store) {
    store = new LocalDiskStorage(join(config.dataDir, 'media'));
    stores.set(config, store);
  }
  return store;
}
