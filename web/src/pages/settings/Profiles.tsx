import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { ApiError, del, post } from '../../api/client.ts';
import { can, isOrgAdmin, useSession } from '../../api/session.ts';
import { profilesKey, useNetworks, useProfiles, type NetworkInfo, type SocialProfile } from '../../api/publishing.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { NetworkIcon, ProfileAvatar } from '../../components/NetworkIcon.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatRelative } from '../../lib/format.ts';
import { lastWorkspaceId } from '../../shell/lastWorkspace.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { ConnectDialog, type ConnectStart } from './ConnectDialog.tsx';
import { NetworkApps } from './NetworkApps.tsx';
import { MULTI_ACCOUNT_NETWORKS, OtherAccounts } from './OtherAccounts.tsx';

export function Profiles() {
  const { workspace, session } = useShell();
  const manage = can(workspace, 'profiles.manage');
  const profiles = useProfiles(workspace.id);
  const networks = useNetworks();
  const client = useQueryClient();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const [connecting, setConnecting] = useState<ConnectStart | null>(null);
  const [removing, setRemoving] = useState<SocialProfile | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: profilesKey(workspace.id) });

  // Back from a network's consent page: say how it went, once.
  useEffect(() => {
    const connected = params.get('connected');
    const error = params.get('error');
    if (!connected && !error) return;
    if (connected) {
      void refresh();
      toast('Profile connected.');
    } else {
      toast(params.get('message') || `The connection failed (${error}).`, 'error');
    }
    setParams({}, { replace: true });
  }, [params]);

  const check = useMutation({
    mutationFn: (profile: SocialProfile) => post<{ profile: SocialProfile }>(`/workspaces/${workspace.id}/profiles/${profile.id}/check`),
    onSuccess: ({ profile }) => {
      toast(profile.status === 'active' ? `${profile.handle} works.` : `${profile.handle} needs to be reconnected.`, profile.status === 'active' ? 'success' : 'error');
      void refresh();
    },
    onError: (error) => toast(error instanceof ApiError ? error.message : 'The check failed.', 'error'),
  });
  const disconnect = useMutation({
    mutationFn: (profile: SocialProfile) => del(`/workspaces/${workspace.id}/profiles/${profile.id}`),
    onSuccess: (_data, profile) => {
      setRemoving(null);
      toast(`${profile.handle} was disconnected.`);
      void refresh();
    },
  });
  const network = (id: string) => networks.data?.find((n) => n.network === id);
  const reconnect = (profile: SocialProfile) => {
    const info = network(profile.network);
    if (info) setConnecting({ network: info, profile });
  };

  return (
    <div className="stack">
      <Section
        title="Social profiles"
        description={
          manage
            ? `Accounts ${workspace.name} publishes to. Credentials are stored encrypted; disconnecting deletes them.`
            : `Accounts ${workspace.name} publishes to. Only workspace owners and admins can connect or disconnect profiles.`
        }
        actions={
          manage && (
            <button type="button" className="button button--primary" onClick={() => setConnecting({})} disabled={!networks.data}>
              Connect a profile
            </button>
          )
        }
      >
        {(profiles.isPending || networks.isPending) && <Loading />}
        {profiles.isError && <FormError error={profiles.error} />}
        {networks.isError && <FormError error={networks.error} />}
        {profiles.data?.length === 0 && (
          <EmptyState icon={<NetworkIcon network="bluesky" size={28} />} title="No profiles connected yet">
            <p>{manage ? 'Connect a Bluesky, Mastodon, X, LinkedIn or Meta account to start publishing from Chorus.' : 'Ask a workspace admin to connect your social accounts.'}</p>
          </EmptyState>
        )}
        {profiles.data && profiles.data.length > 0 && (
          <ul className="profile-list">
            {profiles.data.map((profile) => (
              <li key={profile.id} className={`profile-row${profile.status === 'needs_reconnect' ? ' profile-row--attention' : ''}`}>
                <div className="profile-row__main">
                  <ProfileAvatar network={profile.network} handle={profile.handle} avatarUrl={profile.avatarUrl} size={40} />
                  <div className="profile-row__who">
                    <span className="profile-row__name">{profile.displayName || profile.handle}</span>
                    <span className="profile-row__meta">
                      {profile.profileUrl ? (
                        <a href={profile.profileUrl} target="_blank" rel="noreferrer">
                          @{profile.handle.replace(/^@/, '')}
                        </a>
                      ) : (
                        `@${profile.handle.replace(/^@/, '')}`
                      )}
                      <span aria-hidden="true"> · </span>
                      {network(profile.network)?.displayName ?? profile.network}
                    </span>
                  </div>
                  <span className={`badge ${profile.status === 'active' ? 'badge--success' : 'badge--danger'}`}>{profile.status === 'active' ? 'Active' : 'Needs reconnecting'}</span>
                  {manage && (
                    <div className="profile-row__actions">
                      <button type="button" className="button button--small" disabled={check.isPending && check.variables?.id === profile.id} onClick={() => check.mutate(profile)}>
                        {check.isPending && check.variables?.id === profile.id ? 'Checking…' : 'Check'}
                        <span className="visually-hidden"> {profile.handle}</span>
                      </button>
                      <button type="button" className="button button--small button--ghost-danger" onClick={() => setRemoving(profile)}>
                        Disconnect<span className="visually-hidden"> {profile.handle}</span>
                      </button>
                    </div>
                  )}
                </div>
                {manage && profile.status === 'active' && MULTI_ACCOUNT_NETWORKS.includes(profile.network) && (
                  <OtherAccounts workspaceId={workspace.id} profile={profile} />
                )}
                {profile.status === 'needs_reconnect' && (
                  <div className="profile-row__problem" role="note">
                    <p>
                      <strong>Chorus cannot publish to this profile.</strong> {profile.statusReason ?? 'The network no longer accepts its credentials.'}
                    </p>
                    {manage && (
                      <button type="button" className="button button--small button--primary" onClick={() => reconnect(profile)}>
                        Reconnect<span className="visually-hidden"> {profile.handle}</span>
                      </button>
                    )}
                  </div>
                )}
                <p className="profile-row__checked muted small">
                  Connected {formatRelative(profile.connectedAt)}
                  {profile.checkedAt && ` · checked ${formatRelative(profile.checkedAt)}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>
      {isOrgAdmin(session) && networks.data && <NetworkApps networks={networks.data.filter(needsAppCredentials)} />}
      {networks.data && connecting && (
        <ConnectDialog
          workspaceId={workspace.id}
          networks={networks.data}
          start={connecting}
          onClose={() => setConnecting(null)}
          onConnected={(profile) => {
            setConnecting(null);
            toast(`${profile.handle} is connected.`);
            void refresh();
          }}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Disconnect profile"
        message={
          removing && (
            <p>
              Disconnect <strong>@{removing.handle}</strong>? Chorus deletes its credentials. Posts scheduled for it will not go out (their authors are told); posts already published stay on the network and in Chorus. Connecting the same account again brings it back.
            </p>
          )
        }
        confirmLabel="Disconnect"
        busy={disconnect.isPending}
        error={<FormError error={disconnect.error} />}
        onConfirm={() => removing && disconnect.mutate(removing)}
        onClose={() => {
          setRemoving(null);
          disconnect.reset();
        }}
      />
    </div>
  );
}

/** OAuth networks that need the organisation's own app (Mastodon registers Chorus on each instance). */
export const needsAppCredentials = (n: NetworkInfo) => n.auth === 'oauth2' && n.network !== 'mastodon';

/**
 * Networks send people back to /settings/profiles (outside any workspace): open the workspace
 * the connection was for, keeping the result in the query.
 */
export function ProfilesRedirect() {
  const { data: session } = useSession();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const wanted = params.get('workspace') ?? lastWorkspaceId();
  const workspace = session?.workspaces.find((w) => w.id === wanted) ?? session?.workspaces[0];
  if (!workspace) return <Navigate to="/" replace />;
  params.delete('workspace');
  const search = params.toString();
  return <Navigate to={`/w/${workspace.id}/settings/profiles${search ? `?${search}` : ''}`} replace />;
}
