import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { patch } from '../../api/client.ts';
import { can, isOrgAdmin, sessionKey } from '../../api/session.ts';
import type { Workspace } from '../../api/types.ts';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { Section } from '../../components/Page.tsx';
import { TimezoneSelect } from '../../components/TimezoneSelect.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatDate } from '../../lib/format.ts';
import { NewWorkspaceDialog } from '../../shell/NewWorkspaceDialog.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { formValues } from '../../lib/forms.ts';

export function WorkspaceSettings() {
  const { workspace, session } = useShell();
  const editable = can(workspace, 'workspace.manage');
  const client = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const save = useMutation({
    mutationFn: (values: Record<string, string>) => patch<{ workspace: Workspace }>(`/workspaces/${workspace.id}`, values),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: sessionKey });
      toast('Workspace settings saved.');
    },
  });
  const errors = fieldErrors(save.error);

  return (
    <div className="stack">
      <Section
        title="Workspace"
        description={editable ? 'The name your team sees, and the time zone for schedules and reports.' : 'Only workspace owners and admins can change these settings.'}
      >
        <form
          key={workspace.id}
          className="form form--narrow"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(formValues(event.currentTarget));
          }}
        >
          <fieldset disabled={!editable} className="form__plain">
            <TextField label="Workspace name" name="name" required defaultValue={workspace.name} error={errors.name} />
            <TimezoneSelect defaultValue={workspace.timezone} error={errors.timezone} hint="Posts are scheduled and reports are cut by days in this time zone." />
          </fieldset>
          <p className="muted small">Created {formatDate(workspace.createdAt)}</p>
          <FormError error={save.error} fields={['name', 'timezone']} />
          {editable && (
            <div className="form-actions form-actions--start">
              <button type="submit" className="button button--primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save changes'}
              </button>
            </div>
          )}
        </form>
      </Section>
      {isOrgAdmin(session) && (
        <Section
          title="Organisation"
          description={`Your organisation has ${session.workspaces.length} workspace${session.workspaces.length === 1 ? '' : 's'}. As an organisation ${session.user.orgRole}, you can open all of them.`}
          actions={
            <button type="button" className="button" onClick={() => setCreating(true)}>
              New workspace
            </button>
          }
        >
          <ul className="plain-list">
            {session.workspaces.map((w) => (
              <li key={w.id} className="plain-list__row">
                <Link to={`/w/${w.id}/settings/workspace`} aria-current={w.id === workspace.id ? 'page' : undefined}>
                  {w.name}
                </Link>
                <span className="muted">{w.timezone.replace(/_/g, ' ')}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <NewWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
