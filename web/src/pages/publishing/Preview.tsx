import { Fragment, type ReactNode } from 'react';
import type { NetworkId, SocialProfile } from '../../api/publishing.ts';
import { useMediaItems, type MediaItem } from '../../api/media.ts';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { LinkCard, useLinkCard, type LinkCardData } from './LinkCard.tsx';

// Links, hashtags and mentions (including Mastodon's @user@domain), as networks highlight them.
const TOKENS = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]|#[\p{L}\p{N}_]+|@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}.-]+[\p{L}\p{N}])?)/gu;

/** The text with links, #hashtags and @mentions marked, line breaks kept. */
export function RichText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(TOKENS)) {
    const token = match[0];
    const start = match.index;
    if (start > at) parts.push(text.slice(at, start));
    if (token.startsWith('http')) {
      let shown = token.replace(/^https?:\/\/(www\.)?/, '');
      if (shown.length > 30) shown = `${shown.slice(0, 28)}…`;
      parts.push(
        <span key={start} className="rich__link" title={token}>
          {shown}
        </span>,
      );
    } else {
      parts.push(
        <span key={start} className={token.startsWith('#') ? 'rich__tag' : 'rich__mention'}>
          {token}
        </span>,
      );
    }
    at = start + token.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts.map((part, i) => <Fragment key={i}>{part}</Fragment>)}</>;
}

const ACTIONS: Record<NetworkId, string[]> = {
  bluesky: ['Reply', 'Repost', 'Like'],
  mastodon: ['Reply', 'Boost', 'Favourite'],
  x: ['Reply', 'Repost', 'Like', 'View'],
  linkedin: ['Like', 'Comment', 'Repost', 'Send'],
  facebook: ['Like', 'Comment', 'Share'],
  instagram: ['Like', 'Comment', 'Share'],
  threads: ['Like', 'Reply', 'Repost', 'Share'],
};

/** How the post will look on the profile's network: a card in that network's manner. */
export function PostPreview({ profile, text, when, media = [], card }: { profile: SocialProfile; text: string; when?: string; media?: readonly (MediaItem | undefined)[]; card?: LinkCardData | null }) {
  const shown = media.filter((m): m is MediaItem => !!m);
  const handle = profile.handle.replace(/^@/, '');
  const name = profile.displayName || handle;
  const network = profile.network;
  const shownHandle = network === 'mastodon' && profile.serviceUrl ? `@${handle}@${new URL(profile.serviceUrl).host}` : network === 'linkedin' || network === 'facebook' ? null : `@${handle}`;
  return (
    <article className={`preview preview--${network}`} aria-label={`Preview on ${networkName(network)} as @${handle}`}>
      <header className="preview__header">
        <span className="preview__avatar" aria-hidden="true">
          {profile.avatarUrl ? <img src={profile.avatarUrl} alt="" /> : name.charAt(0).toUpperCase()}
        </span>
        <span className="preview__who">
          <span className="preview__name">{name}</span>
          <span className="preview__handle">
            {shownHandle && <>{shownHandle} · </>}
            {when ?? (network === 'linkedin' || network === 'facebook' ? 'Now' : 'now')}
          </span>
        </span>
        <span className="preview__network">
          <NetworkIcon network={network} size={18} label />
        </span>
      </header>
      <div className="preview__text">{text.trim() ? <RichText text={text} /> : <span className="preview__empty">Nothing written yet.</span>}</div>
      {/* Networks show a link card only when no media go with the post; Instagram shows none. */}
      {shown.length === 0 && card && network !== 'instagram' && <LinkCard card={card} network={network} />}
      {shown.length > 0 && (
        <div className={`preview__media preview__media--${Math.min(shown.length, 4)}`}>
          {shown.slice(0, 4).map((m) =>
            m.kind === 'video' ? (
              <video key={m.id} src={`${m.fileUrl}#t=0.1`} preload="metadata" muted playsInline aria-label={m.altText || 'Video'} />
            ) : (
              <img key={m.id} src={m.thumbnailUrl ?? m.fileUrl} alt={m.altText} />
            ),
          )}
        </div>
      )}
      <footer className="preview__actions" aria-hidden="true">
        {ACTIONS[network]?.map((action) => <span key={action}>{action}</span>)}
      </footer>
    </article>
  );
}

/** The composer's preview: the post as above, with the card of its first link fetched as it is typed. */
export function ComposerPreview({ workspaceId, mediaIds, ...props }: Omit<Parameters<typeof PostPreview>[0], 'media' | 'card'> & { workspaceId: string; mediaIds: readonly string[] }) {
  const card = useLinkCard(workspaceId, props.text);
  const media = useMediaItems(workspaceId, mediaIds);
  return <PostPreview {...props} media={media} card={card} />;
}
