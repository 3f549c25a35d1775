import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, post } from '../../api/client.ts';
import type { ApiToken } from '../../api/types.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatDate, formatRelative } from '../../lib/format.ts';
import { formValues } from '../../lib/forms.ts';

const tokensKey = ['tokens'] as const;

const status = (token: ApiToken): { label: string; tone: string } => {
  if (token.revokedAt) return { label: 'Revoked', tone: 'badge--muted' };
  if (token.expiresAt && new Date(token.expiresAt) <= new Date()) return { label: 'Expired', tone: 'badge--muted' };
  return { label: 'Active', tone: 'badge--success' };
};

export function ApiTokens() {
  const client = useQueryClient();
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: tokensKey, queryFn: async () => (await get<{ tokens: ApiToken[] }>('/me/tokens')).tokens });
  const create = useMutation({
    mutationFn: ({ name, expires }: Record<string, string>) =>
      post<{ token: ApiToken; secret: string }>('/me/tokens', {
        name,
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    onSuccess: ({ token, secret: value }) => {
      form.current?.reset();
      setSecret({ name: token.name, value });
      void client.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => del(`/me/tokens/${token.id}`),
    onSuccess: (_data, token) => {
      setRevoking(null);
      toast(`Token “${token.name}” revoked.`);
      void client.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const errors = fieldErrors(create.error);

  return (
    <Section title="API tokens" description="Personal tokens let scripts call the Chorus API as you, with your permissions. Send them as “Authorization: Bearer …”.">
      <form
        ref={form}
        className="form form--inline"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(formValues(event.currentTarget));
        }}
      >
        <TextField label="Token name" name="name" required placeholder="e.g. Reporting script" autoComplete="off" error={errors.name} />
        <TextField label="Expires" name="expires" type="date" hint="Optional" error={errors.expiresAt} />
        <div className="form--inline__submit">
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      <FormError error={create.error} fields={['name', 'expiresAt']} />

      {tokens.isPending && <Loading />}
      {tokens.isError && <FormError error={tokens.error} />}
      {tokens.data?.length === 0 && <p className="muted">You have no API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
          <table className="table table--stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => {
                const s = status(token);
                return (
                  <tr key={token.id}>
                    <td data-label="Name">{token.name}</td>
                    <td data-label="Token">
                      <code>{token.prefix}…</code>
                    </td>
                    <td data-label="Created">{formatDate(token.createdAt)}</td>
                    <td data-label="Last used">{formatRelative(token.lastUsedAt)}</td>
                    <td data-label="Expires">{token.expiresAt ? formatDate(token.expiresAt) : 'Never'}</td>
                    <td data-label="Status">
                      <span className={`badge ${s.tone}`}>{s.label}</span>
                    </td>
                    <td className="table__actions">
                      {s.label === 'Active' && (
                        <button type="button" className="button button--small button--ghost-danger" onClick={() => setRevoking(token)}>
                          Revoke<span className="visually-hidden"> {token.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <Dialog
        open={secret !== null}
        title="Your new API token"
        onClose={() => setSecret(null)}
        description={<p>Copy the token “{secret?.name}” now and keep it somewhere safe. Chorus stores only a hash: you will not see it again.</p>}
      >
        {secret && <CopyField label="API token" value={secret.value} />}
        <div className="form-actions">
          <button type="button" className="button button--primary" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API token"
        message={revoking && <p>Revoke “{revoking.name}”? Scripts using it stop working at once. This cannot be undone.</p>}
        confirmLabel="Revoke token"
        busy={revoke.isPending}
        error={<FormError error={revoke.error} />}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
      />
    </Section>
  );
}
