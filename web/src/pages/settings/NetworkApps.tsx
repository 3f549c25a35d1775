import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, put } from '../../api/client.ts';
import { networkAppsKey, type NetworkApp, type NetworkInfo } from '../../api/publishing.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { NetworkIcon } from '../../components/NetworkIcon.tsx';
import { Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formValues } from '../../lib/forms.ts';

/** Organisation owners and admins enter the OAuth client Chorus uses for each network. */
export function NetworkApps({ networks }: { networks: NetworkInfo[] }) {
  const apps = useQuery({ queryKey: networkAppsKey, queryFn: async () => (await get<{ apps: NetworkApp[] }>('/settings/network-apps')).apps });
  return (
    <Section
      title="Network apps"
      description={`${listOf(networks.map((n) => n.displayName))} need an app registered by your organisation. Register one in each network’s developer portal with the redirect URI shown, then enter its client id and secret here. They apply to every workspace; Mastodon needs nothing here.`}
    >
      {apps.isPending && <Loading />}
      {apps.isError && <FormError error={apps.error} />}
      {apps.data && (
        <ul className="app-list">
          {networks.map((network) => (
            <li key={network.network}>
              <NetworkAppItem network={network} app={apps.data.find((a) => a.network === network.network && !a.instanceUrl)} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const listOf = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/** One network: a summary line that opens its form. */
function NetworkAppItem({ network, app }: { network: NetworkInfo; app: NetworkApp | undefined }) {
  return (
    <details className="app-item" data-network={network.network}>
      <summary className="app-item__summary">
        <NetworkIcon network={network.network} size={24} />
        <span className="app-item__name">{network.displayName}</span>
        {app ? <span className="badge badge--success">Configured</span> : <span className="badge">Not set up</span>}
        <span className="app-item__action" aria-hidden="true">
          {app ? 'Change' : 'Set up'}
        </span>
      </summary>
      <NetworkAppForm network={network} app={app} />
    </details>
  );
}

function NetworkAppForm({ network, app }: { network: NetworkInfo; app: NetworkApp | undefined }) {
  const client = useQueryClient();
  const toast = useToast();
  const save = useMutation({
    mutationFn: (values: Record<string, string>) =>
      put(`/settings/network-apps/${network.network}`, { clientId: values.clientId, ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}) }),
    onSuccess: () => {
      toast(`${network.displayName} app saved.`);
      void client.invalidateQueries({ queryKey: networkAppsKey });
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form
      className="app-form"
      noValidate
      aria-label={`${network.displayName} app`}
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        save.mutate(formValues(form), { onSuccess: () => ((form.elements.namedItem('clientSecret') as HTMLInputElement).value = '') });
      }}
    >
      <CopyField label="Redirect URI to register" value={network.redirectUri} />
      <div className="form--inline">
        <TextField label="Client id" name="clientId" required autoComplete="off" defaultValue={app?.clientId ?? ''} error={errors.clientId} />
        <TextField
          label="Client secret"
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          placeholder={app?.hasSecret ? '•••••••• stored' : ''}
          hint={app?.hasSecret ? 'Leave empty to keep the stored secret.' : undefined}
          error={errors.clientSecret}
        />
      </div>
      <FormError error={save.error} fields={['clientId', 'clientSecret']} />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : `Save ${network.displayName} app`}
        </button>
      </div>
    </form>
  );
}
