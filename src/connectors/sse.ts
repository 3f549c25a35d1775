/**
 * Reading a server-sent event stream (text/event-stream) from a fetch body. The parsing itself is
 * eventsource-parser's (field rules, CRLF, multi-line data, comments); this adds the byte decoding,
 * so a character split across two network chunks is still read whole.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type ServerSentEvent = EventSourceMessage;

export interface EventStreamHandlers {
  onEvent(event: ServerSentEvent): void;
  /** Called for every chunk received, heartbeats included: proof that the connection is alive. */
  onReceive?(): void;
}

/** Reads until the body ends; an event cut off by the end is dropped, as the SSE standard says. */
export async function readEventStream(body: AsyncIterable<Uint8Array>, handlers: EventStreamHandlers): Promise<void> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: handlers.onEvent });
  for await (const chunk of body) {
    handlers.onReceive?.();
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  parser.feed(decoder.decode());
}
