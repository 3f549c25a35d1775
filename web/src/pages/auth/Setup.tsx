import { useMutation } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router-dom';
import { post } from '../../api/client.ts';
import { useAdoptSession, useSetupStatus } from '../../api/session.ts';
import type { Session } from '../../api/types.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { TimezoneSelect } from '../../components/TimezoneSelect.tsx';
import { Loading } from '../../components/Page.tsx';
import { browserTimezone } from '../../lib/timezones.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { formValues } from '../../lib/forms.ts';

const SETUP_FIELDS = ['organizationName', 'workspaceName', 'timezone', 'name', 'email', 'password'];

/** First run: creates the organisation, its owner and a first workspace. */
export function Setup() {
  const status = useSetupStatus();
  const adopt = useAdoptSession();
  const navigate = useNavigate();
  const setup = useMutation({
    mutationFn: (values: Record<string, string>) => post<Session>('/setup', values),
    onSuccess: (session) => {
      adopt(session);
      navigate('/', { replace: true });
    },
  });
  if (status.isPending) return <AuthLayout title="Set up Chorus"><Loading /></AuthLayout>;
  if (status.data && !status.data.needsSetup) return <Navigate to="/login" replace />;
  const errors = fieldErrors(setup.error);

  return (
    <AuthLayout title="Set up Chorus" lead="Create your organisation and the owner account. This page is only available until the first account exists.">
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setup.mutate(formValues(event.currentTarget));
        }}
      >
        <fieldset className="form__group">
          <legend>Organisation</legend>
          <TextField label="Organisation name" name="organizationName" required autoComplete="organization" error={errors.organizationName} />
          <TextField label="First workspace" name="workspaceName" required defaultValue="Main" hint="A brand, region or client. You can add more later." error={errors.workspaceName} />
          <TimezoneSelect defaultValue={browserTimezone()} hint="Used for schedules and reports in this workspace." error={errors.timezone} />
        </fieldset>
        <fieldset className="form__group">
          <legend>Owner account</legend>
          <TextField label="Your name" name="name" required autoComplete="name" error={errors.name} />
          <TextField label="Email" name="email" type="email" required autoComplete="email" error={errors.email} />
          <TextField label="Password" name="password" type="password" required minLength={10} autoComplete="new-password" hint="At least 10 characters." error={errors.password} />
        </fieldset>
        <FormError error={setup.error} fields={SETUP_FIELDS} />
        <button type="submit" className="button button--primary button--block" disabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create organisation'}
        </button>
      </form>
    </AuthLayout>
  );
}
