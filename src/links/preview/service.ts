/**
 * Link cards for the composer's previews and for publishing: the title, description and image a
 * network would show for a URL, fetched safely (see fetch.ts) and remembered for a while so that
 * typing does not fetch the same page again and again, and the publisher sends the card the
 * composer showed.
 */
import { LRUCache } from 'lru-cache';
import type { Chorus } from '../../core/chorus.ts';
import { AppError } from '../../core/errors.ts';
import { isPublicAddress } from './address.ts';
import { fetchImage, fetchPage, PageFetchError, type FetchedImage, type FetchPageOptions } from './fetch.ts';
import { parseCard, type LinkCard } from './parse.ts';

export type { LinkCard } from './parse.ts';

export interface LinkPreviewOptions extends Partial<FetchPageOptions> {
  /** How long a card is reused, in milliseconds. */
  ttlMs?: number;
  maxEntries?: number;
}

export const LINK_PREVIEW_DEFAULTS = { maxBytes: 1024 * 1024, timeoutMs: 5000, maxRedirects: 5, ttlMs: 60 * 60 * 1000, maxEntries: 500 };

type Outcome = { card: LinkCard } | { error: AppError };

export interface LinkPreviewer {
  preview(url: string): Promise<LinkCard>;
  /** A card's image, under the same address rules; not remembered (images are large). */
  image(url: string, limits: { types: readonly string[]; maxBytes: number; timeoutMs: number }): Promise<FetchedImage>;
}

const asAppError = (error: unknown) => (error instanceof PageFetchError ? new AppError(422, `link_preview_${error.reason}`, error.message, { field: 'url' }) : error);

export function createLinkPreviewer(options: LinkPreviewOptions & { allowPrivate: boolean }): LinkPreviewer {
  const settings = { ...LINK_PREVIEW_DEFAULTS, isAllowedAddress: options.allowPrivate ? () => true : isPublicAddress, ...options };
  const cache = new LRUCache<string, Outcome>({ max: settings.maxEntries, ttl: settings.ttlMs });
  // Two composers asking for the same page at once share one fetch.
  const pending = new Map<string, Promise<Outcome>>();

  const load = async (url: string): Promise<Outcome> => {
    try {
      const page = await fetchPage(url, settings);
      return { card: parseCard(page.body, page.url) };
    } catch (error) {
      const failure = asAppError(error);
      if (failure instanceof AppError) return { error: failure };
      throw error;
    }
  };

  return {
    async preview(raw) {
      const key = raw.trim();
      let outcome = cache.get(key);
      if (!outcome) {
        let inFlight = pending.get(key);
        if (!inFlight) {
          inFlight = load(key).finally(() => pending.delete(key));
          pending.set(key, inFlight);
        }
        outcome = await inFlight;
        // A failure is remembered briefly only: the site may be back in a minute.
        cache.set(key, outcome, 'error' in outcome ? { ttl: Math.min(settings.ttlMs, 60_000) } : {});
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.card;
    },
    async image(url, limits) {
      try {
        return await fetchImage(url.trim(), { ...settings, ...limits });
      } catch (error) {
        throw asAppError(error);
      }
    },
  };
}

const perInstance = new WeakMap<Chorus, LinkPreviewer>();

/**
 * The running instance's previewer, shared by the composer's route and the publisher so that a
 * post goes out with the very card its author saw (from the cache) without a second fetch.
 */
export function linkPreviewerOf(chorus: Chorus): LinkPreviewer {
  let previewer = perInstance.get(chorus);
  if (!previewer) {
    previewer = createLinkPreviewer({ allowPrivate: chorus.config.linkPreviewAllowPrivate });
    perInstance.set(chorus, previewer);
  }
  return previewer;
}
