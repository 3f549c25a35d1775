import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Chorus } from '../core/chorus.ts';
import { safeEqual } from '../core/crypto.ts';
import { addSeconds, now } from '../core/clock.ts';
import { mediaAssets } from './schema.ts';
import { mediaStorage } from './storage.ts';
import { sendObject } from './routes.ts';

/** How long a link handed to a network stays valid: enough for it to fetch, and to retry. */
export const PUBLIC_URL_TTL_SECONDS = 24 * 3600;

/** A key for media links only, derived from the instance key so that it needs no setting of its own. */
const linkKey = (secretKey: Buffer) => createHmac('sha256', secretKey).update('chorus media links v1').digest();

const signature = (secretKey: Buffer, mediaId: string, expires: number) =>
  createHmac('sha256', linkKey(secretKey)).update(`${mediaId}.${expires}`).digest('base64url');

/**
 * A URL that lets a network (Instagram, Threads) fetch one media file without signing in: the
 * media id and an expiry, signed. Nothing else can be read through it, and it stops working.
 */
export function publicMediaUrl(chorus: Pick<Chorus, 'config'>, mediaId: string, ttlSeconds = PUBLIC_URL_TTL_SECONDS): string {
  const expires = Math.floor(addSeconds(now(), ttlSeconds).getTime() / 1000);
  return `${chorus.config.publicUrl}/media/p/${mediaId}.${expires}.${signature(chorus.config.secretKey, mediaId, expires)}`;
}

export type LinkCheck = { ok: true; mediaId: string } | { ok: false; reason: 'invalid' | 'expired' };

export function checkPublicToken(secretKey: Buffer, token: string): LinkCheck {
  const [mediaId, expiresText, sig] = token.split('.');
  const expires = Number(expiresText);
  if (!mediaId || !sig || !/^[0-9a-f-]{36}$/i.test(mediaId) || !Number.isInteger(expires)) return { ok: false, reason: 'invalid' };
  if (!safeEqual(sig, signature(secretKey, mediaId, expires))) return { ok: false, reason: 'invalid' };
  if (expires * 1000 < now().getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, mediaId };
}

/** Serves signed media links. Outside /api: no session, the signature is the permission. */
export function registerPublicMedia(app: FastifyInstance, chorus: Chorus) {
  const storage = mediaStorage(chorus.config);
  app.get<{ Params: { token: string } }>('/media/p/:token', async (request, reply) => {
    const check = checkPublicToken(chorus.config.secretKey, request.params.token);
    if (!check.ok) {
      return reply.status(check.reason === 'expired' ? 410 : 404).type('text/plain').send(check.reason === 'expired' ? 'This media link has expired.' : 'No such media.');
    }
    const [asset] = await chorus.db.select().from(mediaAssets).where(eq(mediaAssets.id, check.mediaId));
    if (!asset) return reply.status(404).type('text/plain').send('No such media.');
    return sendObject(request, reply, storage, {
      key: asset.storageKey,
      mimeType: asset.mimeType,
      bytes: asset.bytes,
      etag: asset.sha256,
      filename: `${asset.id}.${asset.storageKey.split('.').pop()}`,
    });
  });
}
