/**
 * Bluesky text: at most 300 graphemes, and rich text as facets whose indices are UTF-8 BYTE
 * offsets (app.bsky.richtext.facet). Detection uses @atproto/api's RichText, the same code the
 * official app runs, so links, mentions and hashtags are recognised exactly as Bluesky does.
 * Mentions still need their handle resolved to a DID; the connector does that over its HTTP client.
 */
import { RichText } from '@atproto/api';

export const BLUESKY_MAX_GRAPHEMES = 300;

export type BlueskyFacetFeature =
  | { $type: 'app.bsky.richtext.facet#link'; uri: string }
  | { $type: 'app.bsky.richtext.facet#mention'; did: string }
  | { $type: 'app.bsky.richtext.facet#tag'; tag: string };

export interface BlueskyFacet {
  index: { byteStart: number; byteEnd: number };
  features: BlueskyFacetFeature[];
}

/** A detected mention whose DID is still unknown. */
export interface PendingMention {
  handle: string;
  index: { byteStart: number; byteEnd: number };
}

export interface BlueskyText {
  text: string;
  graphemes: number;
  /** Links and tags, ready to send. */
  facets: BlueskyFacet[];
  /** Mentions to resolve (handle -> DID) before sending. */
  mentions: PendingMention[];
}

export function analyseBlueskyText(text: string): BlueskyText {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const facets: BlueskyFacet[] = [];
  const mentions: PendingMention[] = [];
  for (const facet of rt.facets ?? []) {
    const index = { byteStart: facet.index.byteStart, byteEnd: facet.index.byteEnd };
    for (const raw of facet.features) {
      const feature = raw as { $type: string; did?: unknown; uri?: unknown; tag?: unknown };
      const type = feature.$type;
      if (type === 'app.bsky.richtext.facet#mention') mentions.push({ handle: String(feature.did), index });
      else if (type === 'app.bsky.richtext.facet#link') facets.push({ index, features: [{ $type: type, uri: String(feature.uri) }] });
      else if (type === 'app.bsky.richtext.facet#tag') facets.push({ index, features: [{ $type: type, tag: String(feature.tag) }] });
    }
  }
  return { text: rt.text, graphemes: rt.graphemeLength, facets, mentions };
}

/** Facets with resolved mentions, sorted by position; unresolvable handles stay plain text. */
export function withMentions(analysed: BlueskyText, dids: ReadonlyMap<string, string>): BlueskyFacet[] {
  const all = [...analysed.facets];
  for (const m of analysed.mentions) {
    const did = dids.get(m.handle.toLowerCase());
    if (did) all.push({ index: m.index, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] });
  }
  return all.sort((a, b) => a.index.byteStart - b.index.byteStart);
}
