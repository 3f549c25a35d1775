import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post } from '../../api/client.ts';
import { profilesKey, type SocialProfile } from '../../api/publishing.ts';
import { useToast } from '../../components/Toasts.tsx';

/** Networks where one sign-in grants several accounts (a person's Facebook Pages, their Instagram accounts). */
export const MULTI_ACCOUNT_NETWORKS = ['facebook', 'instagram'];

interface OtherAccount {
  id: string;
  name: string;
}

/**
 * The other Pages or accounts the profile's sign-in also granted, each connectable with one click
 * and no new sign-in. Renders nothing when there are none.
 */
export function OtherAccounts({ workspaceId, profile }: { workspaceId: string; profile: SocialProfile }) {
  const client = useQueryClient();
  const toast = useToast();
  const key = ['other-accounts', workspaceId, profile.id] as const;
  const others = useQuery({
    queryKey: key,
    queryFn: () => get<{ accounts: OtherAccount[] }>(`/workspaces/${workspaceId}/profiles/${profile.id}/other-accounts`),
  });
  const connect = useMutation({
    mutationFn: (account: OtherAccount) => post<{ profile: SocialProfile }>(`/workspaces/${workspaceId}/profiles/${profile.id}/other-accounts`, { accountId: account.id }),
    onSuccess: ({ profile: added }) => {
      toast(`${added.displayName || added.handle} connected.`);
      void client.invalidateQueries({ queryKey: profilesKey(workspaceId) });
      void client.invalidateQueries({ queryKey: key });
    },
    onError: (error) => toast(error instanceof ApiError ? error.message : 'Connecting failed.', 'error'),
  });
  const accounts = others.data?.accounts ?? [];
  if (accounts.length === 0) return null;
  return (
    <div className="profile-row__problem" role="group" aria-label={`Other accounts from ${profile.handle}'s sign-in`}>
      <p>The same sign-in also manages:</p>
      <div className="profile-row__actions">
        {accounts.map((account) => (
          <button
            key={account.id}
            type="button"
            className="button button--small"
            disabled={connect.isPending}
            onClick={() => connect.mutate(account)}
          >
            {connect.isPending && connect.variables?.id === account.id ? 'Connecting…' : `Connect ${account.name}`}
          </button>
        ))}
      </div>
    </div>
  );
}
