import type { Connector, PublishInput, PublishResult } from '../../src/connectors/connector.ts';

/**
 * A connector shaped like X (no client-chosen ids, 280 UTF-16 units) whose publish is whatever
 * the test says, for driving the publisher without a network.
 */
export function fakeX(publish: (input: PublishInput) => Promise<PublishResult>): Connector {
  return {
    info: {
      network: 'x',
      displayName: 'X',
      apiVersion: '2',
      auth: 'oauth2',
      capabilities: ['publish.text'],
      limits: { text: { maxLength: 280, counting: 'utf16' }, media: { maxCount: 4, mixed: false, altTextMaxLength: 1000 } },
      publishIdempotency: 'none',
    },
    auth: { kind: 'oauth2' },
    needsRefresh: () => false,
    publish: async (_credentials: unknown, input: PublishInput) => publish(input),
  } as unknown as Connector;
}
