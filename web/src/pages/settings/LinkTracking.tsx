import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, put } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';

export interface LinkSettings {
  shortenLinks: boolean;
  utmMedium: string;
  defaultCampaign: string;
}

/** Settings → Link tracking: Chorus short links and the UTM values they add. */
export function LinkTracking() {
  const { workspace } = useShell();
  const editable = can(workspace, 'workspace.manage');
  const client = useQueryClient();
  const toast = useToast();
  const key = ['link-settings', workspace.id];
  const settings = useQuery({ queryKey: key, queryFn: async () => (await get<{ settings: LinkSettings }>(`/workspaces/${workspace.id}/link-settings`)).settings });
  const save = useMutation({
    mutationFn: (body: LinkSettings) => put<{ settings: LinkSettings }>(`/workspaces/${workspace.id}/link-settings`, body),
    onSuccess: ({ settings: stored }) => {
      client.setQueryData(key, stored);
      toast('Link tracking saved.');
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <Section
      title="Link tracking"
      description={
        editable
          ? 'Links in posts can go through Chorus’s own short link, which counts clicks (no IP addresses are kept) and adds UTM parameters for your analytics.'
          : 'How links in posts are shortened and tagged. Only workspace owners and admins can change this.'
      }
    >
      {settings.isPending && <Loading />}
      {settings.isError && <FormError error={settings.error} />}
      {settings.data && (
        <form
          key={JSON.stringify(settings.data)}
          className="form form--narrow"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            save.mutate({ shortenLinks: data.get('shortenLinks') === 'on', utmMedium: String(data.get('utmMedium') ?? ''), defaultCampaign: String(data.get('defaultCampaign') ?? '') });
          }}
        >
          <fieldset disabled={!editable} className="form__plain">
            <label className="switch-row">
              <input type="checkbox" name="shortenLinks" defaultChecked={settings.data.shortenLinks} />
              <span>
                <span className="switch-row__label">Shorten and track links</span>
                <span className="field__hint">
                  Each http(s) link in a post is published as <code>/l/…</code> on this Chorus, with <code>utm_source</code> set to the network.
                </span>
              </span>
            </label>
            <TextField label="utm_medium" name="utmMedium" required defaultValue={settings.data.utmMedium} error={errors.utmMedium} hint="Usually “social”." />
            <TextField
              label="Default utm_campaign"
              name="defaultCampaign"
              defaultValue={settings.data.defaultCampaign}
              error={errors.defaultCampaign}
              placeholder="None"
              hint="Used for posts without a campaign; a post’s campaign name wins."
            />
          </fieldset>
          <FormError error={save.error} fields={['utmMedium', 'defaultCampaign']} />
          {editable && (
            <div className="form-actions form-actions--start">
              <button type="submit" className="button button--primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save link tracking'}
              </button>
            </div>
          )}
        </form>
      )}
    </Section>
  );
}
