import type { NetworkId } from '../api/publishing.ts';

/** Brand colour and a short mark per network, for chips, avatars and previews. */
export const NETWORK_STYLE: Record<NetworkId, { color: string; mark: string; name: string }> = {
  bluesky: { color: '#1185fe', mark: 'bs', name: 'Bluesky' },
  mastodon: { color: '#6364ff', mark: 'M', name: 'Mastodon' },
  x: { color: '#0f1419', mark: 'X', name: 'X' },
  linkedin: { color: '#0a66c2', mark: 'in', name: 'LinkedIn' },
  facebook: { color: '#1877f2', mark: 'f', name: 'Facebook' },
  instagram: { color: '#d62976', mark: 'IG', name: 'Instagram' },
  threads: { color: '#101010', mark: '@', name: 'Threads' },
};

export const networkName = (network: string): string => NETWORK_STYLE[network as NetworkId]?.name ?? network;

// Bluesky's butterfly (brand asset, simplified to one path).
const BUTTERFLY =
  'M13.873 3.805C21.21 9.332 29.103 20.537 32 26.55v15.882c0-.338-.13.044-.41.867-1.512 4.456-7.418 21.847-20.923 7.944-7.111-7.32-3.819-14.64 9.125-16.85-7.405 1.264-15.73-.825-18.014-9.015C1.12 23.022 0 8.51 0 6.55 0-3.268 8.579-.182 13.873 3.805ZM50.127 3.805C42.79 9.332 34.897 20.537 32 26.55v15.882c0-.338.13.044.41.867 1.512 4.456 7.418 21.847 20.923 7.944 7.111-7.32 3.819-14.64-9.125-16.85 7.405 1.264 15.73-.825 18.014-9.015C62.88 23.022 64 8.51 64 6.55c0-9.818-8.578-6.732-13.873-2.745Z';

/** A small square in the network's colour. Decorative unless `label` is set. */
export function NetworkIcon({ network, size = 20, label }: { network: string; size?: number; label?: boolean }) {
  const style = NETWORK_STYLE[network as NetworkId] ?? { color: '#5d6470', mark: network.slice(0, 1).toUpperCase(), name: network };
  return (
    <span
      className="network-icon"
      style={{ background: style.color, width: size, height: size, fontSize: Math.round(size * (style.mark.length > 1 ? 0.42 : 0.55)) }}
      {...(label ? { role: 'img', 'aria-label': style.name } : { 'aria-hidden': true })}
    >
      {network === 'bluesky' ? (
        <svg viewBox="0 0 64 57" width="64%" height="64%" fill="currentColor" aria-hidden="true" focusable="false">
          <path d={BUTTERFLY} />
        </svg>
      ) : (
        style.mark
      )}
    </span>
  );
}

/** A profile picture, or the handle's first letter, with the network's mark in the corner. */
export function ProfileAvatar({ network, handle, avatarUrl, size = 36 }: { network: string; handle: string; avatarUrl?: string | null; size?: number }) {
  return (
    <span className="profile-avatar" style={{ width: size, height: size }} aria-hidden="true">
      {avatarUrl ? <img src={avatarUrl} alt="" width={size} height={size} /> : <span className="profile-avatar__letter">{handle.replace(/^@/, '').charAt(0).toUpperCase()}</span>}
      <span className="profile-avatar__network">
        <NetworkIcon network={network} size={Math.max(14, Math.round(size * 0.45))} />
      </span>
    </span>
  );
}
