/**
 * Record keys derived from Chorus's idempotency key, so that a retried publish addresses the SAME
 * record and the PDS refuses a second one: exactly-once by construction.
 *
 * A post's rkey must be a TID: 13 base32-sortable characters encoding 64 bits = a zero top bit,
 * 53 bits of microseconds since the epoch and a 10-bit clock id. We fill the timestamp and clock
 * id from a SHA-256 of the key; the timestamp is kept inside 2023-01-01 + 2^45 µs (~407 days) so
 * it is always a plausible instant in the past. Nothing sorts posts by rkey (AppViews use
 * createdAt/indexedAt), so the derived instant has no visible effect.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const BASE_MICROS = 1_672_531_200_000_000n; // 2023-01-01T00:00:00Z
const WINDOW_BITS = 45n;

export function encodeTid(timestampMicros: bigint, clockId: number): string {
  let n = (timestampMicros << 10n) | BigInt(clockId & 0x3ff);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

export function tidFromKey(key: string): string {
  const digest = createHash('sha256').update(`chorus:bluesky:rkey:${key}`).digest();
  const high = digest.readBigUInt64BE(0);
  const offset = high & ((1n << WINDOW_BITS) - 1n);
  const clockId = digest.readUInt16BE(8) & 0x3ff;
  return encodeTid(BASE_MICROS + offset, clockId);
}

export const TID_PATTERN = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
