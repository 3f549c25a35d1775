import { useMutation } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { post } from '../../api/client.ts';
import { useAdoptSession, useSession, useSetupStatus } from '../../api/session.ts';
import type { Session } from '../../api/types.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Loading } from '../../components/Page.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { formValues } from '../../lib/forms.ts';

/** Only same-site paths: a `next` parameter must not send people to another site. */
const safeNext = (next: string | null): string => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/');

export function Login() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const status = useSetupStatus(session.isSuccess && !session.data);
  const adopt = useAdoptSession();
  const navigate = useNavigate();
  const login = useMutation({
    mutationFn: (values: Record<string, string>) => post<Session>('/auth/login', values),
    onSuccess: (data) => {
      adopt(data);
      navigate(next, { replace: true });
    },
  });

  if (session.data) return <Navigate to={next} replace />;
  if (status.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (session.isPending) return <AuthLayout title="Sign in"><Loading /></AuthLayout>;
  const errors = fieldErrors(login.error);

  return (
    <AuthLayout title="Sign in" lead="Welcome back. Sign in to manage your workspaces." footer="New here? Ask an admin of your organisation to invite you.">
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          login.mutate(formValues(event.currentTarget));
        }}
      >
        <TextField label="Email" name="email" type="email" required autoComplete="username" autoFocus error={errors.email} />
        <TextField label="Password" name="password" type="password" required autoComplete="current-password" error={errors.password} />
        <FormError error={login.error} fields={['email', 'password']} />
        <button type="submit" className="button button--primary button--block" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
