import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { post } from '../../api/client.ts';
import { useAdoptSession } from '../../api/session.ts';
import type { Session } from '../../api/types.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { formValues } from '../../lib/forms.ts';

/** Someone invited to a workspace chooses a password here and is signed in. */
export function AcceptInvitation() {
  const { token = '' } = useParams();
  const adopt = useAdoptSession();
  const navigate = useNavigate();
  const [mismatch, setMismatch] = useState(false);
  const accept = useMutation({
    mutationFn: (values: { name?: string; password: string }) => post<Session>('/auth/invitations/accept', { token, ...values }),
    onSuccess: (session) => {
      adopt(session);
      navigate('/', { replace: true });
    },
  });
  const errors = fieldErrors(accept.error);

  return (
    <AuthLayout title="Join your team on Chorus" lead="You were invited to a workspace. Choose a password to finish setting up your account.">
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const { name, password, confirm } = formValues(event.currentTarget);
          const wrong = password !== confirm;
          setMismatch(wrong);
          if (wrong) return;
          accept.mutate({ password: password ?? '', ...(name?.trim() ? { name: name.trim() } : {}) });
        }}
      >
        <TextField label="Your name" name="name" autoComplete="name" hint="Optional: how your teammates will see you." error={errors.name} />
        <TextField label="Password" name="password" type="password" required minLength={10} autoComplete="new-password" hint="At least 10 characters." error={errors.password} />
        <TextField label="Confirm password" name="confirm" type="password" required autoComplete="new-password" error={mismatch ? 'The passwords do not match.' : undefined} />
        <FormError error={accept.error} fields={['name', 'password']} />
        <button type="submit" className="button button--primary button--block" disabled={accept.isPending}>
          {accept.isPending ? 'Joining…' : 'Set password and join'}
        </button>
      </form>
    </AuthLayout>
  );
}
