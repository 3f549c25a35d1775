/**
 * Server-sent events as Mastodon's streaming API sends them: events split anywhere across network
 * chunks, CRLF line ends, multi-line data and heartbeat comments; and the notification stream that
 * turns mentions (only) into activity.
 */
import { describe, expect, it } from 'vitest';
import { readEventStream, type ServerSentEvent } from '../../src/connectors/sse.ts';
import { AuthExpired, Transient } from '../../src/connectors/errors.ts';
import { isInboxNotification, streamingOrigin, watchNotifications } from '../../src/connectors/mastodon/streaming.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
async function* chunks(...parts: (string | Uint8Array)[]) {
  for (const part of parts) yield typeof part === 'string' ? bytes(part) : part;
}

describe('server-sent events', () => {
  it('reads events split across chunks, CRLF, multi-line data and comments', async () => {
    const events: ServerSentEvent[] = [];
    let received = 0;
    const euro = bytes('€'); // three bytes, split between two chunks below
    await readEventStream(
      chunks(':)\r\n', 'event: notifi', 'cation\r\ndata: {"type":', '"mention"}\r\n\r\n', ':thump\n', 'event: update\ndata: line one\ndata: line two\n\n', 'data: ', euro.slice(0, 1), euro.slice(1), '\n\n', 'event: delete\ndata: cut off'),
      { onEvent: (e) => events.push(e), onReceive: () => received++ },
    );
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['notification', '{"type":"mention"}'],
      ['update', 'line one\nline two'],
      [undefined, '€'],
    ]);
    expect(received).toBe(11);
  });
});

describe('Mastodon notification stream', () => {
  const sse = (body: string, init: ResponseInit = { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }) => () => Promise.resolve(new Response(body, init));
  const options = (fetch: () => Promise<Response>) => ({ fetch, userAgent: 'Chorus test', now: () => new Date() });

  it('counts mentions as activity, not favourites or heartbeats, and resolves when the server ends the stream', async () => {
    let activity = 0;
    const body = ':thump\n\nevent: notification\ndata: {"id":"1","type":"favourite"}\n\nevent: notification\ndata: {"id":"2","type":"mention"}\n\nevent: update\ndata: {}\n\n';
    await watchNotifications(options(sse(body)), 'https://social.example', 'tok', () => activity++, new AbortController().signal);
    expect(activity).toBe(1);
    expect(isInboxNotification('not json')).toBe(true);
  });

  it('sends the token as a bearer header to the advertised streaming host, and never puts it in an error', async () => {
    let seen: { url: string; auth: string | null } | undefined;
    const fetch = (url: string | URL, init?: RequestInit) => {
      seen = { url: String(url), auth: new Headers(init?.headers).get('authorization') };
      return Promise.resolve(new Response('{"error":"The access token is invalid"}', { status: 401 }));
    };
    const origin = streamingOrigin('https://social.example', 'wss://streaming.social.example');
    const error = await watchNotifications(options(fetch as never), origin, 'secret-token', () => {}, new AbortController().signal).catch((e: unknown) => e);
    expect(seen).toEqual({ url: 'https://streaming.social.example/api/v1/streaming/user/notification', auth: 'Bearer secret-token' });
    expect(error).toBeInstanceOf(AuthExpired);
    expect(String((error as Error).message)).not.toContain('secret-token');
  });

  it('refuses an answer that is not an event stream, and gives up on a stream that goes quiet', async () => {
    const html = sse('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } });
    await expect(watchNotifications(options(html), 'https://social.example', 't', () => {}, new AbortController().signal)).rejects.toBeInstanceOf(Transient);
    const silent = (_url: string | URL, init?: RequestInit) => {
      const body = new ReadableStream({
        start(controller) {
          init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason));
        },
      });
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    };
    const quiet = watchNotifications({ ...options(silent as never), quietLimitMs: 100 }, 'https://social.example', 't', () => {}, new AbortController().signal);
    await expect(quiet).rejects.toThrow(/went quiet/);
  });

  it('ends quietly when aborted', async () => {
    const controller = new AbortController();
    const hanging = (_url: string | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const watching = watchNotifications(options(hanging as never), 'https://social.example', 't', () => {}, controller.signal);
    controller.abort();
    await expect(watching).resolves.toBeUndefined();
  });
});
