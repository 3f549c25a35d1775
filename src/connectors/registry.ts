/**
 * Every connector Chorus ships, by network. The instance builds them once (with its HTTP options)
 * and hands them to services; tests build them aimed at local peers or fake fetches.
 */
import { createBlueskyConnector } from './bluesky/connector.ts';
import { createMastodonConnector } from './mastodon/connector.ts';
import { createXConnector } from './x/connector.ts';
import { createLinkedInConnector } from './linkedin/connector.ts';
import { createFacebookConnector } from './facebook/connector.ts';
import { createInstagramConnector } from './instagram/connector.ts';
import { createThreadsConnector } from './threads/connector.ts';
import type { Connector, ConnectorContext, ConnectorInfo, NetworkId } from './connector.ts';

export type ConnectorFactory = (ctx?: ConnectorContext) => Connector;

export const connectorFactories: Readonly<Partial<Record<NetworkId, ConnectorFactory>>> = {
  bluesky: createBlueskyConnector,
  mastodon: createMastodonConnector,
  x: createXConnector,
  linkedin: createLinkedInConnector,
  facebook: createFacebookConnector,
  instagram: createInstagramConnector,
  threads: createThreadsConnector,
};

/** All shipped connectors, built with one context. */
export function createConnectors(ctx: ConnectorContext = {}): Connector[] {
  return Object.values(connectorFactories).map((factory) => factory(ctx));
}

export function createConnector(network: NetworkId, ctx: ConnectorContext = {}): Connector {
  const factory = connectorFactories[network];
  if (!factory) throw new Error(`No connector for network "${network}".`);
  return factory(ctx);
}

/** Capabilities and limits of every network, for the composer and the API (no credentials needed). */
export const connectorInfos = (): ConnectorInfo[] => createConnectors().map((c) => c.info);

/** The instance's connectors with default HTTP settings (what `src/instance.ts` wires in). */
export const defaultConnectors = (ctx: ConnectorContext = {}): Connector[] => createConnectors(ctx);
