import { useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { post } from '../../api/client.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { capitalise } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { formValues } from '../../lib/forms.ts';
import { ApiTokens } from './ApiTokens.tsx';
import { SlackWebhook } from './SlackWebhook.tsx';

export function Account() {
  const { session } = useShell();
  const { user } = session;
  return (
    <div className="stack">
      <Section title="Profile">
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Organisation role</dt>
            <dd>{capitalise(user.orgRole)}</dd>
          </div>
        </dl>
      </Section>
      <ChangePassword />
      <ApiTokens />
      <SlackWebhook />
    </div>
  );
}

function ChangePassword() {
  const toast = useToast();
  const form = useRef<HTMLFormElement>(null);
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: (values: { currentPassword: string; newPassword: string }) => post('/me/password', values),
    onSuccess: () => {
      form.current?.reset();
      toast('Password changed. Your other sessions were signed out.');
    },
  });
  const errors = fieldErrors(change.error);
  return (
    <Section title="Password" description="Changing your password signs you out everywhere else.">
      <form
        ref={form}
        className="form form--narrow"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const { currentPassword = '', newPassword = '', confirm } = formValues(event.currentTarget);
          const wrong = newPassword !== confirm;
          setMismatch(wrong);
          if (!wrong) change.mutate({ currentPassword, newPassword });
        }}
      >
        <TextField label="Current password" name="currentPassword" type="password" required autoComplete="current-password" error={errors.currentPassword} />
        <TextField label="New password" name="newPassword" type="password" required minLength={10} autoComplete="new-password" hint="At least 10 characters." error={errors.newPassword} />
        <TextField label="Confirm new password" name="confirm" type="password" required autoComplete="new-password" error={mismatch ? 'The passwords do not match.' : undefined} />
        <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </Section>
  );
}
