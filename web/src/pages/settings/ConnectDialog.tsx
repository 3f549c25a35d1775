import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { post } from '../../api/client.ts';
import type { NetworkInfo, SocialProfile } from '../../api/publishing.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { NetworkIcon } from '../../components/NetworkIcon.tsx';
import { formValues } from '../../lib/forms.ts';

/** What the dialog opens on: the network list, one network's form, or a profile to reconnect. */
export interface ConnectStart {
  network?: NetworkInfo;
  profile?: SocialProfile;
}

interface Props {
  workspaceId: string;
  networks: NetworkInfo[];
  start: ConnectStart;
  onClose: () => void;
  onConnected: (profile: SocialProfile) => void;
}

export function ConnectDialog({ workspaceId, networks, start, onClose, onConnected }: Props) {
  const [chosen, setChosen] = useState<NetworkInfo | null>(start.network ?? null);
  const reconnecting = start.profile;
  const title = reconnecting ? `Reconnect @${reconnecting.handle}` : chosen ? `Connect ${chosen.displayName}` : 'Connect a profile';

  const oauth = useMutation({
    mutationFn: (body: { network: string; instanceUrl?: string }) => post<{ authorizationUrl: string }>(`/workspaces/${workspaceId}/profiles/oauth`, body),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  const appPassword = useMutation({
    mutationFn: (body: Record<string, string>) => post<{ profile: SocialProfile }>(`/workspaces/${workspaceId}/profiles/app-password`, body),
    onSuccess: ({ profile }) => onConnected(profile),
  });

  // Reconnecting an OAuth profile starts the network's sign-in at once (once, even in StrictMode).
  const started = useRef(false);
  useEffect(() => {
    const n = start.network;
    if (started.current || !n || n.auth !== 'oauth2' || n.network === 'mastodon') return;
    started.current = true;
    oauth.mutate({ network: n.network });
  }, []);

  const pick = (network: NetworkInfo) => {
    oauth.reset();
    setChosen(network);
    // Networks with one server go straight to their consent page.
    if (network.auth === 'oauth2' && network.network !== 'mastodon') oauth.mutate({ network: network.network });
  };

  let body;
  if (!chosen) {
    body = (
      <>
        <ul className="network-choices">
          {networks.map((n) => (
            <li key={n.network}>
              <button type="button" className="network-choice" onClick={() => pick(n)}>
                <NetworkIcon network={n.network} size={28} />
                <span className="network-choice__text">
                  <span className="network-choice__name">{n.displayName}</span>
                  <span className="network-choice__how">{n.auth === 'app-password' ? 'Handle and app password' : n.network === 'mastodon' ? 'Any instance, sign in there' : `Sign in with ${n.displayName}`}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </>
    );
  } else if (chosen.auth === 'app-password') {
    const errors = fieldErrors(appPassword.error);
    body = (
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          appPassword.mutate({ network: chosen.network, ...formValues(event.currentTarget) });
        }}
      >
        <TextField
          label="Server (PDS) address"
          name="serviceUrl"
          type="url"
          required
          defaultValue={reconnecting?.serviceUrl ?? 'https://bsky.social'}
          hint="Leave as is for accounts on bsky.social; self-hosted accounts give their own server."
          error={errors.serviceUrl}
        />
        <TextField label="Handle" name="identifier" required autoComplete="username" placeholder="you.bsky.social" defaultValue={reconnecting?.handle ?? ''} error={errors.identifier} />
        <TextField
          label="App password"
          name="password"
          type="password"
          required
          autoComplete="off"
          placeholder="xxxx-xxxx-xxxx-xxxx"
          error={errors.password}
          hint={
            <>
              Not your account password. In Bluesky, open Settings → Privacy and security → App passwords, add one named “Chorus” and paste it here. You can revoke it there at any time.
            </>
          }
        />
        <FormError error={appPassword.error} fields={['serviceUrl', 'identifier', 'password']} />
        <div className="form-actions">
          {!reconnecting && (
            <button type="button" className="button" onClick={() => setChosen(null)}>
              Back
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={appPassword.isPending}>
            {appPassword.isPending ? 'Connecting…' : reconnecting ? 'Reconnect' : 'Connect'}
          </button>
        </div>
      </form>
    );
  } else if (chosen.network === 'mastodon') {
    const errors = fieldErrors(oauth.error);
    body = (
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          oauth.mutate({ network: 'mastodon', instanceUrl: formValues(event.currentTarget).instanceUrl ?? '' });
        }}
      >
        <TextField
          label="Instance address"
          name="instanceUrl"
          type="url"
          required
          placeholder="https://mastodon.social"
          defaultValue={reconnecting?.serviceUrl ?? ''}
          hint="The server the account lives on. Chorus registers itself there, then sends you to sign in."
          error={errors.instanceUrl}
        />
        <FormError error={oauth.error} fields={['instanceUrl']} />
        <div className="form-actions">
          {!reconnecting && (
            <button type="button" className="button" onClick={() => setChosen(null)}>
              Back
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={oauth.isPending || oauth.isSuccess}>
            {oauth.isPending || oauth.isSuccess ? 'Opening Mastodon…' : 'Continue to Mastodon'}
          </button>
        </div>
      </form>
    );
  } else {
    body = (
      <div className="form">
        {oauth.isError ? (
          <FormError error={oauth.error} />
        ) : (
          <p className="loading">
            <span className="spinner" aria-hidden="true" /> Opening {chosen.displayName}’s sign-in page…
          </p>
        )}
        <div className="form-actions">
          {!reconnecting && (
            <button type="button" className="button" onClick={() => setChosen(null)}>
              Back
            </button>
          )}
          {oauth.isError && (
            <button type="button" className="button button--primary" onClick={() => oauth.mutate({ network: chosen.network })}>
              Try again
            </button>
          )}
        </div>
      </div>
    );
  }

  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      description={
        reconnecting ? (
          <p>{reconnecting.statusReason ?? 'Sign in again so Chorus can publish to this profile.'} Reconnecting keeps its scheduled posts.</p>
        ) : !chosen ? (
          <p>Pick the network of the account to connect.</p>
        ) : undefined
      }
    >
      {body}
    </Dialog>
  );
}
