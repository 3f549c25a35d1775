import { Link, NavLink, Navigate, Outlet, useLocation } from 'react-router-dom';
import { can } from '../../api/session.ts';
import { useProfiles } from '../../api/publishing.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, PageHeader } from '../../components/Page.tsx';
import { PlusIcon, PublishIcon } from '../../shell/icons.tsx';
import { useShell } from '../../shell/useWorkspace.ts';

/** Publish: calendar, composer, drafts and campaigns under one header. */
export function PublishLayout() {
  const shell = useShell();
  const { workspace } = shell;
  const location = useLocation();
  const profiles = useProfiles(workspace.id);
  const draft = can(workspace, 'posts.draft');
  const tabs = [
    { to: 'calendar', label: 'Calendar' },
    ...(draft ? [{ to: 'compose', label: 'Compose' }] : []),
    { to: 'drafts', label: 'Drafts' },
    { to: 'campaigns', label: 'Campaigns' },
    { to: 'media', label: 'Media' },
    ...(can(workspace, 'posts.schedule') ? [{ to: 'import', label: 'Import' }] : []),
  ];
  const onCampaigns = location.pathname.endsWith('/publish/campaigns') || location.pathname.endsWith('/publish/media');
  const none = profiles.data?.length === 0;

  return (
    <div className="page page--wide">
      <PageHeader
        title="Publish"
        description="Plan, write and schedule posts across your connected profiles."
        actions={
          draft &&
          !none && (
            <Link to="compose" className="button button--primary">
              <PlusIcon /> New post
            </Link>
          )
        }
      />
      <nav className="tabs" aria-label="Publish">
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} className="tabs__link">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      {profiles.isPending && <Loading />}
      {profiles.isError && <FormError error={profiles.error} />}
      {profiles.data && (none && !onCampaigns ? <NoProfiles /> : <Outlet context={shell} />)}
    </div>
  );
}

export function PublishHome() {
  return <Navigate to="calendar" replace />;
}

function NoProfiles() {
  const { workspace } = useShell();
  const manage = can(workspace, 'profiles.manage');
  return (
    <div className="card">
      <EmptyState icon={<PublishIcon />} title="Connect a social profile to start publishing">
        <ul className="feature-list">
          <li>A calendar of scheduled and published posts across every connected profile.</li>
          <li>A composer that adapts one post to each network’s length and link rules, with previews.</li>
          <li>Campaigns and tags to group posts, and a clear status for every post.</li>
        </ul>
        {manage ? (
          <>
            <p>Connect your accounts in Settings → Social profiles: Bluesky with an app password, the others by signing in to them.</p>
            <p className="form-actions form-actions--center">
              <Link to={`/w/${workspace.id}/settings/profiles`} className="button button--primary">
                Connect a profile
              </Link>
            </p>
          </>
        ) : (
          <p className="muted">No profiles are connected to {workspace.name} yet. A workspace owner or admin can connect them in Settings → Social profiles.</p>
        )}
      </EmptyState>
    </div>
  );
}
