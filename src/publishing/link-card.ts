/**
 * The link card a post goes out with: what the composer's preview showed for the first URL of the
 * text (title, description, image), pointed at that URL as it appears in the published text (the
 * tracked short link when tracking replaced it).
 *
 * Best effort, and never inside a transaction: a card that cannot be had (slow or blocked site,
 * not a page, image too large) leaves the post as it is, without a card, and at most a few seconds
 * later. A retry of the same attempt may fetch the card again and find it changed; that does not
 * touch exactly-once publishing, which rests on the variant's idempotency key (Bluesky's rkey,
 * Mastodon's header), not on the content.
 */
import type { Logger } from 'pino';
import type { Chorus } from '../core/chorus.ts';
import type { Connector, LinkCardInput } from '../connectors/connector.ts';
import { findUrls } from '../links/service.ts';
import { linkPreviewerOf, type LinkCard, type LinkPreviewer } from '../links/preview/service.ts';

/** The longest a card may hold a post up: the page and its image together. */
export const LINK_CARD_BUDGET_MS = 4000;
/** app.bsky.embed.external caps a thumb blob at 1,000,000 bytes; other networks take more. */
export const THUMBNAIL_MAX_BYTES = 1_000_000;

export interface CardRequest {
  /** The text as the author wrote it: its first URL is the one the composer previewed. */
  written: string;
  /** The text that will be published, tracked links in place. */
  published: string;
  hasMedia: boolean;
}

/** Never throws: the publisher would take any error for a failed post. */
export async function linkCardFor(chorus: Chorus, connector: Connector, request: CardRequest, logger: Logger): Promise<LinkCardInput | undefined> {
  try {
    return await fetchLinkCard(linkPreviewerOf(chorus), connector, request, logger);
  } catch (error) {
    logger.debug({ reason: reasonOf(error) }, 'link card left out');
    return undefined;
  }
}

/** As linkCardFor, with the previewer and time budget given (tests). */
export async function fetchLinkCard(previewer: LinkPreviewer, connector: Connector, request: CardRequest, logger: Logger, budgetMs = LINK_CARD_BUDGET_MS): Promise<LinkCardInput | undefined> {
  // Media take the place of a card on every network that has both.
  if (request.hasMedia || !connector.info.capabilities.includes('publish.linkCard')) return undefined;
  const first = findUrls(request.written)[0];
  if (!first) return undefined;
  // Tracking replaces every URL in order, so the first URL published stands for the first written.
  const url = findUrls(request.published)[0]?.url ?? first.url;
  // A network that reads the page itself needs only the URL: nothing to fetch here.
  if (connector.info.linkCards !== 'poster') return { url };
  const deadline = Date.now() + budgetMs;
  // Only the site is logged: a URL's path or query may carry a token.
  const site = hostOf(first.url);

  let card: LinkCard;
  try {
    card = await within(previewer.preview(first.url), budgetMs);
  } catch (error) {
    logger.debug({ site, reason: reasonOf(error) }, 'link card left out: the page could not be read');
    return undefined;
  }
  const link: LinkCardInput = { url, ...(card.title ? { title: card.title } : {}), ...(card.description ? { description: card.description } : {}) };

  const images = connector.info.limits.media.image;
  const remaining = deadline - Date.now();
  if (!card.image || !images || remaining <= 0) return link;
  try {
    const maxBytes = Math.min(THUMBNAIL_MAX_BYTES, images.maxBytes);
    const image = await previewer.image(card.image, { types: images.mimeTypes, maxBytes, timeoutMs: remaining });
    return { ...link, thumbnail: { kind: 'image', mimeType: image.contentType, data: image.data } };
  } catch (error) {
    logger.debug({ site, reason: reasonOf(error) }, "link card sent without its image: the image could not be read");
    return link;
  }
}

/** The previewer has its own timeouts; this bounds the wait for a page it is already fetching. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const reasonOf = (error: unknown) => (error && typeof error === 'object' && 'code' in error ? String(error.code) : error instanceof Error ? error.message : String(error));

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};
