import type { MediaKind } from './schema.ts';

export interface SniffedType {
  kind: MediaKind;
  mimeType: string;
  extension: string;
}

/** How many leading bytes `sniffType` needs to decide. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/**
 * The file's real type from its first bytes (magic numbers), whatever its name or the client
 * says. Only the types Chorus accepts are recognised; anything else is null.
 */
export function sniffType(head: Uint8Array): SniffedType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { kind: 'image', mimeType: 'image/jpeg', extension: 'jpg' };
  }
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) {
    return { kind: 'image', mimeType: 'image/png', extension: 'png' };
  }
  if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) {
    return { kind: 'image', mimeType: 'image/gif', extension: 'gif' };
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    return { kind: 'image', mimeType: 'image/webp', extension: 'webp' };
  }
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'qt  ') return { kind: 'video', mimeType: 'video/quicktime', extension: 'mov' };
    // Still-image and audio-only brands of the same container family are not video.
    if (/^(hei|hev|mif1|msf1|avif|avis|M4A |M4B |M4P |F4A |F4B |crx )/.test(brand)) return null;
    return { kind: 'video', mimeType: 'video/mp4', extension: 'mp4' };
  }
  // Older QuickTime files may start straight with a movie, media or padding atom.
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(head, 4, 8))) {
    return { kind: 'video', mimeType: 'video/quicktime', extension: 'mov' };
  }
  return null;
}

export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'video/quicktime'] as const;
