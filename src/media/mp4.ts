/**
 * Width, height and duration of an MP4 or QuickTime (MOV) video, read from its `moov` box.
 *
 * Why hand-written: Chorus needs three numbers, while the maintained parsers are whole demuxers
 * that want the file handed to them in memory (or a seekable reader) and keep sample tables
 * around. Both formats share the ISO base media box layout (ISO/IEC 14496-12; QuickTime File
 * Format for MOV), and the boxes that hold these numbers are fixed layouts: `mvhd` (timescale,
 * duration), `tkhd` (display size as 16.16 fixed point, plus a transformation matrix that says
 * whether the picture is turned a quarter), `hdlr` (which track is video) and, for fragmented
 * files, `mehd` (duration). Everything is bounds-checked; a box that lies about its size makes
 * the file unreadable instead of reading outside the buffer.
 *
 * `Mp4Scanner` sees the upload as it streams past and keeps only the `moov` box (kilobytes to a
 * few megabytes), wherever it is in the file: `mdat` (the media data) is skipped, never held.
 */

export interface VideoInfo {
  width: number;
  height: number;
  durationSeconds: number | null;
}

export class Mp4Error extends Error {}

/** A `moov` box larger than this is refused rather than held in memory. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

export class Mp4Scanner {
  private consumed = 0;
  /** Absolute offset of the next top-level box header. */
  private nextBox = 0;
  private header: Buffer = Buffer.alloc(0);
  private capture: { end: number; parts: Buffer[] } | null = null;
  private moov: Buffer | null = null;
  private error: string | null = null;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.error && !this.moov) {
      const at = this.consumed + i;
      if (this.capture) {
        const take = Math.min(chunk.length - i, this.capture.end - at);
        this.capture.parts.push(chunk.subarray(i, i + take));
        i += take;
        if (at + take === this.capture.end) {
          this.moov = Buffer.concat(this.capture.parts);
          this.capture = null;
        }
        continue;
      }
      if (at < this.nextBox) {
        i += Math.min(chunk.length - i, this.nextBox - at);
        continue;
      }
      // At a box header: gather 8 bytes, or 16 when the size says "64-bit size follows".
      const wanted = this.header.length >= 4 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
      const take = Math.min(wanted - this.header.length, chunk.length - i);
      this.header = Buffer.concat([this.header, chunk.subarray(i, i + take)]);
      i += take;
      if (this.header.length < wanted) continue;
      if (wanted === 8 && this.header.readUInt32BE(0) === 1) continue; // now read the 64-bit size
      const start = this.nextBox;
      const size32 = this.header.readUInt32BE(0);
      const type = this.header.toString('latin1', 4, 8);
      const size = size32 === 1 ? Number(this.header.readBigUInt64BE(8)) : size32 === 0 ? Infinity : size32;
      if (size < this.header.length) {
        this.error = `a box claims ${size} bytes`;
        break;
      }
      if (type === 'moov') {
        if (size > MAX_MOOV_BYTES) {
          this.error = 'the movie header is too large';
          break;
        }
        this.capture = { end: start + size, parts: [this.header] };
      }
      this.nextBox = start + size;
      this.header = Buffer.alloc(0);
    }
    this.consumed += chunk.length;
  }

  /** Call once the whole file went through `push`. */
  result(): VideoInfo {
    if (this.error) throw new Mp4Error(`This video file is damaged: ${this.error}.`);
    if (!this.moov) throw new Mp4Error('This video file has no complete movie header (moov box).');
    return parseMoov(this.moov);
  }
}

interface Box {
  type: string;
  /** Where the payload starts and ends in the buffer. */
  start: number;
  end: number;
}

/** The child boxes of `buf[start, end)`. */
function children(buf: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let headerSize = 8;
    if (size === 1) {
      if (at + 16 > end) throw new Mp4Error('This video file is damaged: a box is cut short.');
      size = Number(buf.readBigUInt64BE(at + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < headerSize || at + size > end) throw new Mp4Error(`This video file is damaged: the ${JSON.stringify(type)} box does not fit.`);
    boxes.push({ type, start: at + headerSize, end: at + size });
    at += size;
  }
  return boxes;
}

const child = (buf: Buffer, parent: Box, type: string) => children(buf, parent.start, parent.end).find((b) => b.type === type);

function need(box: Box, bytes: number): void {
  if (box.end - box.start < bytes) throw new Mp4Error(`This video file is damaged: the ${box.type} box is too short.`);
}

const u64 = (buf: Buffer, at: number) => Number(buf.readBigUInt64BE(at));

/** Parses a whole `moov` box (header included). */
export function parseMoov(moov: Buffer): VideoInfo {
  const [root] = children(moov, 0, moov.length);
  if (!root || root.type !== 'moov') throw new Mp4Error('This video file has no movie header (moov box).');

  let durationSeconds: number | null = null;
  let timescale = 0;
  const mvhd = child(moov, root, 'mvhd');
  if (mvhd) {
    need(mvhd, 4);
    const version = moov[mvhd.start]!;
    need(mvhd, version === 1 ? 32 : 20);
    timescale = moov.readUInt32BE(mvhd.start + (version === 1 ? 20 : 12));
    const duration = version === 1 ? u64(moov, mvhd.start + 24) : moov.readUInt32BE(mvhd.start + 16);
    // All ones means "unknown"; zero is what fragmented files write here.
    const unknown = version === 1 ? duration >= 2 ** 64 - 1 : duration === 0xffffffff;
    if (timescale > 0 && duration > 0 && !unknown) durationSeconds = duration / timescale;
  }
  if (durationSeconds === null && timescale > 0) {
    const mvex = child(moov, root, 'mvex');
    const mehd = mvex && child(moov, mvex, 'mehd');
    if (mehd) {
      need(mehd, 8);
      const version = moov[mehd.start]!;
      if (version === 1) need(mehd, 12);
      const duration = version === 1 ? u64(moov, mehd.start + 4) : moov.readUInt32BE(mehd.start + 4);
      if (duration > 0) durationSeconds = duration / timescale;
    }
  }

  for (const trak of children(moov, root.start, root.end).filter((b) => b.type === 'trak')) {
    const mdia = child(moov, trak, 'mdia');
    const hdlr = mdia && child(moov, mdia, 'hdlr');
    if (!hdlr) continue;
    need(hdlr, 12);
    if (moov.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue;
    const tkhd = child(moov, trak, 'tkhd');
    if (!tkhd) continue;
    need(tkhd, 4);
    const version = moov[tkhd.start]!;
    const matrixAt = tkhd.start + (version === 1 ? 52 : 40);
    const sizeAt = matrixAt + 36;
    need(tkhd, sizeAt + 8 - tkhd.start);
    let width = Math.round(moov.readUInt32BE(sizeAt) / 65536);
    let height = Math.round(moov.readUInt32BE(sizeAt + 4) / 65536);
    // Matrix {a b u / c d v / x y w}: a = d = 0 means a quarter turn (phones filming upright).
    const a = moov.readInt32BE(matrixAt);
    const d = moov.readInt32BE(matrixAt + 16);
    if (a === 0 && d === 0) [width, height] = [height, width];
    if (width <= 0 || height <= 0) continue;
    return { width, height, durationSeconds };
  }
  throw new Mp4Error('This file has no video track.');
}
