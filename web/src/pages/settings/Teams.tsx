import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { del, patch, post } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import type { Team } from '../../api/types.ts';
import { membersKey, teamsKey, useMembers, useTeams } from '../../api/workspaces.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { formValues } from '../../lib/forms.ts';
import { TeamCard } from './TeamCard.tsx';

export function Teams() {
  const { workspace } = useShell();
  const manage = can(workspace, 'teams.manage');
  const teams = useTeams(workspace.id);
  const members = useMembers(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Team | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);

  const refresh = () => {
    void client.invalidateQueries({ queryKey: teamsKey(workspace.id) });
    void client.invalidateQueries({ queryKey: membersKey(workspace.id) });
  };
  const create = useMutation({
    mutationFn: (values: Record<string, string>) => post<{ team: Team }>(`/workspaces/${workspace.id}/teams`, values),
    onSuccess: ({ team }) => {
      setCreating(false);
      toast(`Team “${team.name}” created.`);
      refresh();
    },
  });
  const rename = useMutation({
    mutationFn: ({ team, values }: { team: Team; values: Record<string, string> }) =>
      patch<{ team: Team }>(`/workspaces/${workspace.id}/teams/${team.id}`, values),
    onSuccess: () => {
      setRenaming(null);
      toast('Team saved.');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (team: Team) => del(`/workspaces/${workspace.id}/teams/${team.id}`),
    onSuccess: (_data, team) => {
      setDeleting(null);
      toast(`Team “${team.name}” deleted.`);
      refresh();
    },
  });
  const createErrors = fieldErrors(create.error);
  const renameErrors = fieldErrors(rename.error);

  return (
    <div className="stack">
      <Section
        title="Teams"
        description={
          manage
            ? 'Group members to assign conversations and approvals to a team rather than a person.'
            : 'Teams group members for assignment and approvals. Only workspace owners and admins can change them.'
        }
        actions={
          manage && (
            <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
              New team
            </button>
          )
        }
      >
        {teams.isPending && <Loading />}
        {teams.isError && <FormError error={teams.error} />}
        {teams.data?.length === 0 && (
          <EmptyState title="No teams yet">
            <p>{manage ? 'Create a team such as “Support” or “EMEA social” and add members to it.' : 'Nobody has created a team in this workspace yet.'}</p>
          </EmptyState>
        )}
        {teams.data && teams.data.length > 0 && (
          <ul className="team-list">
            {teams.data.map((team) => (
              <TeamCard
                key={team.id}
                team={team}
                workspaceId={workspace.id}
                members={members.data ?? []}
                manage={manage}
                onChanged={refresh}
                onRename={() => setRenaming(team)}
                onDelete={() => setDeleting(team)}
              />
            ))}
          </ul>
        )}
      </Section>

      <Dialog open={creating} title="New team" onClose={() => { setCreating(false); create.reset(); }}>
        <form className="form" noValidate onSubmit={(event) => { event.preventDefault(); create.mutate(formValues(event.currentTarget)); }}>
          <TextField label="Team name" name="name" required error={createErrors.name} />
          <TextField label="Description" name="description" hint="Optional: what the team takes care of." error={createErrors.description} />
          <FormError error={create.error} fields={['name', 'description']} />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => { setCreating(false); create.reset(); }}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create team'}
            </button>
          </div>
        </form>
      </Dialog>

      <Dialog open={renaming !== null} title="Edit team" onClose={() => { setRenaming(null); rename.reset(); }}>
        {renaming && (
          <form className="form" noValidate onSubmit={(event) => { event.preventDefault(); rename.mutate({ team: renaming, values: formValues(event.currentTarget) }); }}>
            <TextField label="Team name" name="name" required defaultValue={renaming.name} error={renameErrors.name} />
            <TextField label="Description" name="description" defaultValue={renaming.description} error={renameErrors.description} />
            <FormError error={rename.error} fields={['name', 'description']} />
            <div className="form-actions">
              <button type="button" className="button" onClick={() => { setRenaming(null); rename.reset(); }}>
                Cancel
              </button>
              <button type="submit" className="button button--primary" disabled={rename.isPending}>
                {rename.isPending ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
        )}
      </Dialog>

      <ConfirmDialog
        open={deleting !== null}
        title="Delete team"
        message={deleting && <p>Delete the team <strong>{deleting.name}</strong>? Its members stay in the workspace.</p>}
        confirmLabel="Delete team"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => { setDeleting(null); remove.reset(); }}
      />
    </div>
  );
}
