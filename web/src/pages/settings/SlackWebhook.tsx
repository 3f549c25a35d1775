import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, put } from '../../api/client.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';

const slackKey = ['slack-webhook'] as const;

/** Account → Slack: a personal incoming webhook that also receives approval requests, with one-click links. */
export function SlackWebhook() {
  const client = useQueryClient();
  const toast = useToast();
  const [url, setUrl] = useState('');
  const status = useQuery({ queryKey: slackKey, queryFn: () => get<{ configured: boolean }>('/account/slack-webhook') });
  const done = (message: string) => {
    setUrl('');
    toast(message);
    void client.invalidateQueries({ queryKey: slackKey });
  };
  const save = useMutation({ mutationFn: () => put('/account/slack-webhook', { url: url.trim() }), onSuccess: () => done('Slack webhook saved.') });
  const remove = useMutation({ mutationFn: () => del('/account/slack-webhook'), onSuccess: () => done('Slack webhook removed.') });
  const errors = fieldErrors(save.error);
  const configured = status.data?.configured ?? false;
  return (
    <Section
      title="Slack"
      description="Approval requests for you also go to Slack, with approve and reject links only you can use. Create an incoming webhook that posts to a direct message or a private channel of yours."
    >
      {status.isPending && <Loading />}
      {status.isError && <FormError error={status.error} />}
      {status.data && (
        <form
          className="form form--narrow"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <p className="small">
            {configured
              ? 'A webhook is set. Its address is kept encrypted and not shown again; enter a new one to replace it.'
              : 'No webhook is set: approval requests reach you in Chorus and by email only.'}
          </p>
          <TextField
            label="Incoming webhook URL"
            name="url"
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="https://hooks.slack.com/services/…"
            autoComplete="off"
            error={errors.url}
          />
          <FormError error={save.error ?? remove.error} fields={['url']} />
          <div className="form-actions form-actions--start">
            <button type="submit" className="button button--primary" disabled={!url.trim() || save.isPending}>
              {save.isPending ? 'Saving…' : configured ? 'Replace webhook' : 'Save webhook'}
            </button>
            {configured && (
              <button type="button" className="button button--ghost-danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
                Remove webhook
              </button>
            )}
          </div>
        </form>
      )}
    </Section>
  );
}
