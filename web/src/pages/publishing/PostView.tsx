import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ApiError, post as postRequest } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { useCampaigns, useProfiles, type PostWithVariants, type Variant, type VariantStatus } from '../../api/publishing.ts';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatZoned } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { PostPreview } from './Preview.tsx';
import { LinkStats } from './LinkStats.tsx';
import { PostNotes } from './PostNotes.tsx';
import { ApprovalPanel } from './ApprovalPanel.tsx';
import { useMediaItems } from '../../api/media.ts';

export const STATUS: Record<VariantStatus, { label: string; tone: string }> = {
  draft: { label: 'Draft', tone: '' },
  pending_approval: { label: 'Awaiting approval', tone: 'badge--warning' },
  scheduled: { label: 'Scheduled', tone: 'badge--info' },
  publishing: { label: 'Publishing', tone: 'badge--info' },
  published: { label: 'Published', tone: 'badge--success' },
  failed: { label: 'Failed', tone: 'badge--danger' },
  needs_attention: { label: 'Needs attention', tone: 'badge--warning' },
};

export const StatusBadge = ({ status }: { status: VariantStatus }) => <span className={`badge ${STATUS[status].tone}`}>{STATUS[status].label}</span>;

/** One variant's state: when it goes out, where it went, or what went wrong. */
export function PostStatus({ variant, zone }: { variant: Variant; zone: string }) {
  return (
    <div className={`post-status post-status--${variant.status}`}>
      <StatusBadge status={variant.status} />
      {variant.status === 'scheduled' && variant.scheduledAt && <span>{formatZoned(variant.scheduledAt, zone, 'cccc d LLLL, HH:mm')}</span>}
      {variant.status === 'published' && (
        <span>
          {variant.publishedAt && formatZoned(variant.publishedAt, zone, 'cccc d LLLL, HH:mm')}
          {variant.remoteUrl && (
            <>
              {' · '}
              <a href={variant.remoteUrl} target="_blank" rel="noreferrer">
                View on {networkName(variant.network)}
              </a>
            </>
          )}
        </span>
      )}
      {variant.lastError && (variant.status === 'failed' || variant.status === 'needs_attention') && <span className="post-status__error">{variant.lastError}</span>}
    </div>
  );
}

/** "It was published" / "Publish again" for a variant Chorus could not be sure about. */
export function ResolveActions({ variantId, handle, onDone }: { variantId: string; handle: string; onDone: (saved: PostWithVariants) => void }) {
  const { workspace } = useShell();
  const toast = useToast();
  const resolve = useMutation({
    mutationFn: (outcome: 'published' | 'not_published') => postRequest<PostWithVariants>(`/workspaces/${workspace.id}/variants/${variantId}/resolve`, { outcome }),
    onSuccess: (saved, outcome) => {
      toast(outcome === 'published' ? `Marked as published on @${handle}.` : `Publishing again to @${handle}.`);
      onDone(saved);
    },
    onError: (error) => toast(error instanceof ApiError ? error.message : 'That did not work. Try again.', 'error'),
  });
  if (!can(workspace, 'posts.schedule')) return null;
  return (
    <div className="resolve">
      <span className="muted small">Chorus could not tell whether this went out. Check @{handle}, then:</span>
      <div className="resolve__buttons">
        <button type="button" className="button button--small" disabled={resolve.isPending} onClick={() => resolve.mutate('published')}>
          It was published
        </button>
        <button type="button" className="button button--small" disabled={resolve.isPending} onClick={() => resolve.mutate('not_published')}>
          Publish again
        </button>
      </div>
    </div>
  );
}

/** A post that can no longer change (published, or beyond the reader's role), as it went out. */
export function ReadOnlyPost({ data, onChange }: { data: PostWithVariants; onChange: (saved: PostWithVariants) => void }) {
  const { workspace } = useShell();
  const profiles = useProfiles(workspace.id);
  const campaigns = useCampaigns(workspace.id);
  const campaign = campaigns.data?.find((c) => c.id === data.post.campaignId);
  const media = useMediaItems(workspace.id, data.post.mediaIds ?? []);
  return (
    <div className="composer">
      <div className="composer__editor card">
        <div className="card__body">
          <p className="muted">
            {data.variants.some((v) => v.status === 'published' || v.status === 'publishing')
              ? 'This post has gone out, so its text can no longer change.'
              : 'You can read this post; your role cannot change it.'}
          </p>
          {(campaign || data.post.tags.length > 0) && (
            <div className="post-meta">
              {campaign && (
                <span className="campaign-tag">
                  <span className="swatch" style={{ background: campaign.color }} aria-hidden="true" /> {campaign.name}
                </span>
              )}
              {data.post.tags.length > 0 && (
                <ul className="chips" aria-label="Tags">
                  {data.post.tags.map((t) => (
                    <li key={t} className="chip">
                      {t}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <ul className="variant-list">
            {data.variants.map((variant) => (
              <li key={variant.id} className="variant">
                <div className="variant__head">
                  <NetworkIcon network={variant.network} size={20} />
                  <span className="variant__handle">@{variant.handle}</span>
                </div>
                <PostStatus variant={variant} zone={workspace.timezone} />
                {variant.status === 'needs_attention' && <ResolveActions variantId={variant.id} handle={variant.handle} onDone={onChange} />}
                <p className="variant__text">{variant.text}</p>
              </li>
            ))}
          </ul>
          {data.variants.some((v) => v.status === 'published') && <LinkStats postId={data.post.id} />}
          <ApprovalPanel postId={data.post.id} onChange={onChange} />
          <PostNotes postId={data.post.id} />
          <p>
            <Link to={`/w/${workspace.id}/publish/calendar`}>Back to the calendar</Link>
          </p>
        </div>
      </div>
      <aside className="composer__previews" aria-label="Previews">
        <h2 className="composer__label">Preview</h2>
        {data.variants.map((variant) => {
          const profile = profiles.data?.find((p) => p.id === variant.profileId);
          const at = variant.publishedAt ?? variant.scheduledAt;
          return profile ? <PostPreview key={variant.id} profile={profile} text={variant.text} media={media} {...(at ? { when: formatZoned(at, workspace.timezone, 'd LLL') } : {})} /> : null;
        })}
      </aside>
    </div>
  );
}
