import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { post } from '../api/client.ts';
import { sessionKey } from '../api/session.ts';
import type { Workspace } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { TextField } from '../components/Field.tsx';
import { FormError, fieldErrors } from '../components/FormError.tsx';
import { TimezoneSelect } from '../components/TimezoneSelect.tsx';
import { useToast } from '../components/Toasts.tsx';
import { browserTimezone } from '../lib/timezones.ts';
import { formValues } from '../lib/forms.ts';

/** Organisation owners and admins add a workspace for another brand, region or client. */
export function NewWorkspaceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const create = useMutation({
    mutationFn: (values: Record<string, string>) => post<{ workspace: Workspace }>('/workspaces', values),
    onSuccess: async ({ workspace }) => {
      await client.invalidateQueries({ queryKey: sessionKey });
      close();
      toast(`Workspace “${workspace.name}” created.`);
      navigate(`/w/${workspace.id}/settings/workspace`);
    },
  });
  const close = () => {
    create.reset();
    onClose();
  };
  const errors = fieldErrors(create.error);
  return (
    <Dialog open={open} title="New workspace" onClose={close} description="A workspace holds the profiles, posts, inbox and reports of one brand, region or client.">
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate(formValues(event.currentTarget));
        }}
      >
        <TextField label="Name" name="name" required error={errors.name} />
        <TimezoneSelect defaultValue={browserTimezone()} error={errors.timezone} />
        <FormError error={create.error} fields={['name', 'timezone']} />
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create workspace'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
