import { decryptSecret, encryptSecret } from '../core/crypto.ts';
import type { Credentials } from '../connectors/connector.ts';

export const sealCredentials = (credentials: Credentials, key: Buffer): string => encryptSecret(JSON.stringify(credentials), key);

export const openCredentials = (sealed: string, key: Buffer): Credentials => JSON.parse(decryptSecret(sealed, key)) as Credentials;

/**
 * Fresh credentials over stored ones. A network that answers a refresh or a reconnect without a
 * refresh token (or with an empty one) must not wipe the one we hold: users would have to
 * reconnect every day.
 */
export function mergeCredentials(stored: Credentials | null, fresh: Credentials): Credentials {
  if (!stored) return fresh;
  const merged: Credentials = { ...stored, ...fresh };
  if (!fresh.refreshToken) {
    if (stored.refreshToken) merged.refreshToken = stored.refreshToken;
    else delete merged.refreshToken;
    if (stored.refreshExpiresAt && !fresh.refreshExpiresAt) merged.refreshExpiresAt = stored.refreshExpiresAt;
  }
  if (stored.extra || fresh.extra) merged.extra = { ...stored.extra, ...nonEmpty(fresh.extra) };
  return merged;
}

const nonEmpty = (record: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(record ?? {}).filter(([, value]) => value !== ''));
