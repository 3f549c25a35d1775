import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client.ts';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';

interface TrackedLink {
  code: string;
  network: string;
  originalUrl: string;
  targetUrl: string;
  variantId: string | null;
  clicks: number;
  lastClickAt: string | null;
}

/** Clicks on the tracked links of a published post, per network. Renders nothing without links. */
export function LinkStats({ postId }: { postId: string }) {
  const { workspace } = useShell();
  const links = useQuery({
    queryKey: ['links', workspace.id, postId],
    queryFn: async () => (await get<{ links: TrackedLink[] }>(`/workspaces/${workspace.id}/posts/${postId}/links`)).links,
    refetchInterval: 60_000,
  });
  if (!links.data || links.data.length === 0) return null;
  const total = links.data.reduce((n, l) => n + l.clicks, 0);
  return (
    <section className="link-stats" aria-label="Link clicks">
      <h2 className="composer__label">
        Link clicks <span className="link-stats__total">{total}</span>
      </h2>
      <ul className="link-stats__list">
        {links.data.map((l) => (
          <li key={l.code} className="link-stat">
            <NetworkIcon network={l.network} size={18} label />
            <div className="link-stat__main">
              <a href={l.originalUrl} target="_blank" rel="noreferrer" className="link-stat__url" title={l.targetUrl}>
                {l.originalUrl.replace(/^https?:\/\//, '')}
              </a>
              <span className="muted small">
                /l/{l.code} on {networkName(l.network)}
                {l.lastClickAt && (
                  <>
                    {' · last click '}
                    <time dateTime={l.lastClickAt} title={formatDateTime(l.lastClickAt)}>
                      {formatRelative(l.lastClickAt)}
                    </time>
                  </>
                )}
              </span>
            </div>
            <span className="link-stat__clicks" aria-label={`${l.clicks} clicks`}>
              {l.clicks}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
