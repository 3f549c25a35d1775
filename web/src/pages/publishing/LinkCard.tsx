import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { get, query } from '../../api/client.ts';
import type { NetworkId } from '../../api/publishing.ts';
import '../../styles/compose.css';

export interface LinkCardData {
  url: string;
  title: string;
  description: string;
  image: string | null;
  siteName: string | null;
}

// The same link shape the previews highlight (Preview.tsx): the first one gets the card, as on the networks.
const FIRST_URL = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/u;
const DELAY_MS = 600;

/** The card of the first link in `text`, once typing has paused; null when there is none or it has no card. */
export function useLinkCard(workspaceId: string, text: string): LinkCardData | null {
  const url = FIRST_URL.exec(text)?.[0] ?? null;
  const [settled, setSettled] = useState(url);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(url), DELAY_MS);
    return () => clearTimeout(timer);
  }, [url]);
  const card = useQuery({
    queryKey: ['link-preview', workspaceId, settled],
    queryFn: async () => (await get<{ card: LinkCardData }>(`/workspaces/${workspaceId}/link-preview${query({ url: settled })}`)).card,
    enabled: !!settled && settled === url,
    staleTime: 30 * 60_000,
    retry: false,
  });
  return url && settled === url && card.data ? card.data : null;
}

const host = (url: string) => {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return url;
  }
};

/**
 * The link card as each network draws it: Bluesky and Mastodon a bordered card with the image
 * above (Mastodon beside it when small), X the image with the domain over it, LinkedIn and
 * Facebook a full-width image with the title under it, on grey.
 */
export function LinkCard({ card, network }: { card: LinkCardData; network: NetworkId }) {
  const domain = host(card.url);
  const titleFirst = network === 'linkedin' || network === 'facebook';
  return (
    <div className={`link-card link-card--${network}`} aria-label={`Link card: ${card.title || domain}`}>
      {card.image && (
        <div className="link-card__image">
          <img src={card.image} alt="" loading="lazy" />
          {network === 'x' && <span className="link-card__overlay">{domain}</span>}
        </div>
      )}
      <div className="link-card__body">
        {titleFirst && <span className="link-card__domain">{domain}</span>}
        {card.title && <strong className="link-card__title">{card.title}</strong>}
        {card.description && network !== 'linkedin' && <span className="link-card__description">{card.description}</span>}
        {!titleFirst && network !== 'x' && <span className="link-card__domain">{card.siteName ?? domain}</span>}
        {network === 'x' && !card.image && <span className="link-card__domain">{domain}</span>}
      </div>
    </div>
  );
}
