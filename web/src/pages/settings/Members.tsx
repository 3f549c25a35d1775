import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, del, patch, post } from '../../api/client.ts';
import { can, sessionKey } from '../../api/session.ts';
import type { Member, WorkspaceRole } from '../../api/types.ts';
import { membersKey, teamsKey, useMembers } from '../../api/workspaces.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { capitalise, formatDate } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { AddMemberForm, linkHere } from './AddMemberForm.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { ROLE_DESCRIPTIONS, WORKSPACE_ROLES } from './roles.ts';

export function Members() {
  const { workspace, session } = useShell();
  const manage = can(workspace, 'members.manage');
  const members = useMembers(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [renewed, setRenewed] = useState<{ member: Member; url: string } | null>(null);

  const refresh = () => {
    void client.invalidateQueries({ queryKey: membersKey(workspace.id) });
    void client.invalidateQueries({ queryKey: teamsKey(workspace.id) });
  };
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: WorkspaceRole }) =>
      patch(`/workspaces/${workspace.id}/members/${member.userId}`, { role }),
    onSuccess: (_data, { member, role }) => {
      toast(`${member.name} is now ${role === 'admin' || role === 'owner' || role === 'analyst' || role === 'approver' ? 'an' : 'a'} ${role}.`);
      if (member.userId === session.user.id) void client.invalidateQueries({ queryKey: sessionKey });
    },
    onError: (error) => toast(error instanceof ApiError ? error.message : 'The role could not be changed.', 'error'),
    onSettled: refresh,
  });
  const renewInvitation = useMutation({
    mutationFn: (member: Member) => post<{ invitationUrl: string }>(`/workspaces/${workspace.id}/members/${member.userId}/invitation`),
    onSuccess: ({ invitationUrl }, member) => setRenewed({ member, url: linkHere(invitationUrl) }),
    onError: (error) => toast(error instanceof ApiError ? error.message : 'No new invitation link could be made.', 'error'),
  });
  const remove = useMutation({
    mutationFn: (member: Member) => del(`/workspaces/${workspace.id}/members/${member.userId}`),
    onSuccess: (_data, member) => {
      setRemoving(null);
      toast(`${member.name} was removed from ${workspace.name}.`);
      if (member.userId === session.user.id) void client.invalidateQueries({ queryKey: sessionKey });
      refresh();
    },
  });

  return (
    <div className="stack">
      {manage && <AddMemberForm workspaceId={workspace.id} />}
      <Section title="Members" description={manage ? 'Change a role to change what someone can do in this workspace.' : 'Only workspace owners and admins can add, change or remove members.'}>
        {members.isPending && <Loading />}
        {members.isError && <FormError error={members.error} />}
        {members.data && (
          <div className="table-wrap">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                  <th scope="col">Teams</th>
                  <th scope="col">Joined</th>
                  {manage && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {members.data.map((member) => (
                  <tr key={member.userId}>
                    <td data-label="Member">
                      <div className="person">
                        <span className="person__name">
                          {member.name}
                          {member.userId === session.user.id && <span className="muted"> (you)</span>}
                        </span>
                        <span className="person__email">{member.email}</span>
                        {member.pendingInvitation && <span className="badge badge--warning">Invitation pending</span>}
                      </div>
                    </td>
                    <td data-label="Role">
                      {manage ? (
                        <select
                          aria-label={`Role of ${member.name}`}
                          value={member.role}
                          disabled={changeRole.isPending}
                          onChange={(event) => changeRole.mutate({ member, role: event.target.value as WorkspaceRole })}
                        >
                          {WORKSPACE_ROLES.map((role) => (
                            <option key={role} value={role}>
                              {capitalise(role)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className="badge">{capitalise(member.role)}</span>
                      )}
                    </td>
                    <td data-label="Teams">
                      {member.teams.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <ul className="chips">
                          {member.teams.map((team) => (
                            <li key={team.id} className="chip">
                              {team.name}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td data-label="Joined">{formatDate(member.joinedAt)}</td>
                    {manage && (
                      <td className="table__actions">
                        {member.pendingInvitation && (
                          <button type="button" className="button button--small" disabled={renewInvitation.isPending} onClick={() => renewInvitation.mutate(member)}>
                            New invitation link<span className="visually-hidden"> for {member.name}</span>
                          </button>
                        )}
                        <button type="button" className="button button--small button--ghost-danger" onClick={() => setRemoving(member)}>
                          Remove<span className="visually-hidden"> {member.name}</span>
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Roles" description="What each role can do in a workspace. Organisation owners and admins can do everything in every workspace.">
        <dl className="roles">
          {WORKSPACE_ROLES.filter((role) => role !== 'admin').map((role) => (
            <div key={role} className="roles__row">
              <dt>{role === 'owner' ? 'Owner, Admin' : capitalise(role)}</dt>
              <dd>{ROLE_DESCRIPTIONS[role]}</dd>
            </div>
          ))}
        </dl>
      </Section>
      <Dialog
        open={renewed !== null}
        title="New invitation link"
        onClose={() => setRenewed(null)}
        description={
          renewed && (
            <p>
              Send this link to <strong>{renewed.member.email}</strong>. Earlier links for them no longer work; this one works once and expires in 7 days.
            </p>
          )
        }
      >
        {renewed && <CopyField label="Invitation link" value={renewed.url} />}
        <div className="form-actions">
          <button type="button" className="button button--primary" onClick={() => setRenewed(null)}>
            Done
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={removing !== null}
        title="Remove member"
        message={
          removing && (
            <p>
              Remove <strong>{removing.name}</strong> ({removing.email}) from {workspace.name}? They lose access to this workspace and leave its teams. Their account stays.
            </p>
          )
        }
        confirmLabel="Remove member"
        busy={remove.isPending}
        error={<FormError error={remove.error} />}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
      />
    </div>
  );
}
