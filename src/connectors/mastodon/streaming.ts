/**
 * Mastodon's streaming API (docs.joinmastodon.org/methods/streaming): the account's notifications
 * as server-sent events on GET /api/v1/streaming/user/notification, `event: notification` with a
 * Notification as JSON in `data:`, and a `:thump` comment every 15 s or so to keep it alive.
 */
import { z } from 'zod';
import { ConnectorError, Transient } from '../errors.ts';
import { defaultError, errorReason, retryAfterSeconds, type FetchLike } from '../http.ts';
import { readEventStream } from '../sse.ts';

const NETWORK = 'mastodon';
export const NOTIFICATION_STREAM_PATH = '/api/v1/streaming/user/notification';
/** Four missed heartbeats: the connection is dead even if no socket error says so. */
const QUIET_LIMIT_MS = 60_000;

// Only the type is read: the inbox fetches the notification itself through the REST API.
const StreamedNotification = z.object({ type: z.string() });

/**
 * The streaming API's origin. Large instances serve it from another host, named by
 * /api/v2/instance as a wss:// URL; the same server answers server-sent events over https.
 */
export function streamingOrigin(instanceUrl: string, advertised: string | undefined): string {
  if (!advertised) return instanceUrl;
  try {
    const url = new URL(advertised.replace(/^ws(s?):/i, 'http$1:'));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : instanceUrl;
  } catch {
    return instanceUrl;
  }
}

/**
 * True for what the inbox files: a mention (DMs and replies arrive as mentions too). A payload
 * that cannot be read counts as activity, since a needless read costs little and a missed one a
 * message.
 */
export function isInboxNotification(data: string): boolean {
  try {
    const parsed = StreamedNotification.safeParse(JSON.parse(data));
    return !parsed.success || parsed.data.type === 'mention';
  } catch {
    return true;
  }
}

export interface NotificationStreamOptions {
  fetch: FetchLike;
  userAgent: string;
  now: () => Date;
  quietLimitMs?: number;
}

/** Holds the stream open until the server ends it (resolves), it fails (rejects) or `signal` aborts (resolves). */
export async function watchNotifications(options: NotificationStreamOptions, origin: string, accessToken: string, onActivity: () => void, signal: AbortSignal): Promise<void> {
  const quiet = new AbortController();
  const stop = AbortSignal.any([signal, quiet.signal]);
  let timer: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => quiet.abort(), options.quietLimitMs ?? QUIET_LIMIT_MS);
  };
  alive();
  try {
    const res = await options.fetch(`${origin}${NOTIFICATION_STREAM_PATH}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream', 'user-agent': options.userAgent },
      signal: stop,
    });
    if (!res.ok) {
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const ctx = { status: res.status, headers: res.headers, body, text, idempotent: true, retryAfterSeconds: retryAfterSeconds(res.headers, options.now()) };
      throw defaultError(NETWORK, 'the notification stream', ctx);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !res.body) {
      await res.body?.cancel();
      throw new Transient(NETWORK, `the notification stream answered ${type || 'no content type'} instead of text/event-stream`, { status: res.status });
    }
    await readEventStream(res.body as unknown as AsyncIterable<Uint8Array>, {
      onReceive: alive,
      onEvent: (event) => {
        if (event.event === 'notification' && isInboxNotification(event.data)) onActivity();
      },
    });
  } catch (error) {
    if (signal.aborted) return;
    if (quiet.signal.aborted) throw new Transient(NETWORK, `the notification stream went quiet (nothing for ${(options.quietLimitMs ?? QUIET_LIMIT_MS) / 1000} s)`);
    if (error instanceof ConnectorError) throw error;
    // fetch's own errors name the URL at most, never the header that carries the token.
    throw new Transient(NETWORK, `the notification stream broke: ${errorReason(undefined, error instanceof Error ? error.message : String(error))}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
