/**
 * Builds small MP4 / QuickTime files box by box (ISO/IEC 14496-12 layouts), so that tests can
 * check what Chorus reads from a container without shipping or downloading a video. The boxes
 * carry the fields a reader looks at (mvhd, tkhd, mdia/hdlr); the media data is filler.
 */

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const fixed16 = (n: number) => u32(Math.round(n * 65536));

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** A box written with the 64-bit "largesize" header. */
export function largeBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(1), Buffer.from(type, 'latin1'), u64(16 + body.length), body]);
}

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const QUARTER_TURN = [0, 1, 0, -1, 0, 0, 0, 0, 1];

function matrix(values: number[]): Buffer {
  // a, b, c, d, x, y are 16.16; u, v, w are 2.30.
  return Buffer.concat(
    values.map((v, i) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Math.round(v * ([2, 5, 8].includes(i) ? 2 ** 30 : 65536)));
      return b;
    }),
  );
}

export interface VideoFixture {
  width: number;
  height: number;
  timescale: number;
  duration: number;
  brand?: string;
  /** Put the movie header after the media data, as cameras do before "fast start". */
  moovLast?: boolean;
  rotated?: boolean;
  version1?: boolean;
  mdatBytes?: number;
  /** Add an audio track before the video track. */
  withAudio?: boolean;
}

function track(handler: 'vide' | 'soun', width: number, height: number, duration: number, rotated: boolean, version1: boolean) {
  const tkhd = version1
    ? box('tkhd', Buffer.from([1, 0, 0, 3]), u64(0), u64(0), u32(1), u32(0), u64(duration), Buffer.alloc(8), Buffer.alloc(8), matrix(rotated ? QUARTER_TURN : IDENTITY), fixed16(width), fixed16(height))
    : box('tkhd', Buffer.from([0, 0, 0, 3]), u32(0), u32(0), u32(1), u32(0), u32(duration), Buffer.alloc(8), Buffer.alloc(8), matrix(rotated ? QUARTER_TURN : IDENTITY), fixed16(width), fixed16(height));
  const hdlr = box('hdlr', Buffer.alloc(4), u32(0), Buffer.from(handler, 'latin1'), Buffer.alloc(12), Buffer.from('Chorus\0'));
  const mdhd = box('mdhd', Buffer.alloc(4), u32(0), u32(0), u32(1000), u32(duration), Buffer.from([0x55, 0xc4, 0, 0]));
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf')));
}

export function buildVideo(f: VideoFixture): Buffer {
  const ftyp = box('ftyp', Buffer.from(f.brand ?? 'isom', 'latin1'), u32(512), Buffer.from('isomiso2mp41', 'latin1'));
  const mvhd = f.version1
    ? box('mvhd', Buffer.from([1, 0, 0, 0]), u64(0), u64(0), u32(f.timescale), u64(f.duration), u32(0x00010000), Buffer.alloc(2 + 10), matrix(IDENTITY), Buffer.alloc(24), u32(2))
    : box('mvhd', Buffer.alloc(4), u32(0), u32(0), u32(f.timescale), u32(f.duration), u32(0x00010000), Buffer.alloc(2 + 10), matrix(IDENTITY), Buffer.alloc(24), u32(2));
  const tracks = [
    ...(f.withAudio ? [track('soun', 0, 0, f.duration, false, false)] : []),
    track('vide', f.width, f.height, f.duration, f.rotated ?? false, f.version1 ?? false),
  ];
  const moov = box('moov', mvhd, ...tracks);
  const filler = Buffer.alloc(f.mdatBytes ?? 256, 0x42);
  const mdat = f.version1 ? largeBox('mdat', filler) : box('mdat', filler);
  return Buffer.concat(f.moovLast ? [ftyp, box('free'), mdat, moov] : [ftyp, moov, mdat]);
}
