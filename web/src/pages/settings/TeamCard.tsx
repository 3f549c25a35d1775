import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ApiError, del, put } from '../../api/client.ts';
import type { Member, Team } from '../../api/types.ts';
import { useToast } from '../../components/Toasts.tsx';

interface Props {
  team: Team;
  workspaceId: string;
  members: Member[];
  manage: boolean;
  onChanged: () => void;
  onRename: () => void;
  onDelete: () => void;
}

export function TeamCard({ team, workspaceId, members, manage, onChanged, onRename, onDelete }: Props) {
  const toast = useToast();
  const selectId = useId();
  const [adding, setAdding] = useState('');
  const path = (userId: string) => `/workspaces/${workspaceId}/teams/${team.id}/members/${userId}`;
  const failed = (error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work. Try again.', 'error');
  const add = useMutation({
    mutationFn: (userId: string) => put(path(userId)),
    onSuccess: () => {
      setAdding('');
      onChanged();
    },
    onError: failed,
  });
  const remove = useMutation({ mutationFn: (userId: string) => del(path(userId)), onSuccess: onChanged, onError: failed });
  const candidates = members.filter((m) => !team.members.some((tm) => tm.userId === m.userId));

  return (
    <li className="team">
      <div className="team__header">
        <div>
          <h3 className="team__name">{team.name}</h3>
          {team.description && <p className="team__description">{team.description}</p>}
        </div>
        <span className="badge">
          {team.members.length} member{team.members.length === 1 ? '' : 's'}
        </span>
      </div>
      {team.members.length > 0 ? (
        <ul className="team__members" aria-label={`Members of ${team.name}`}>
          {team.members.map((member) => (
            <li key={member.userId} className="team__member">
              <span>
                {member.name} <span className="muted">{member.email}</span>
              </span>
              {manage && (
                <button
                  type="button"
                  className="button button--small button--ghost-danger"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(member.userId)}
                >
                  Remove<span className="visually-hidden"> {member.name} from {team.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No members in this team yet.</p>
      )}
      {manage && (
        <div className="team__footer">
          <form
            className="team__add"
            onSubmit={(event) => {
              event.preventDefault();
              if (adding) add.mutate(adding);
            }}
          >
            <label htmlFor={selectId} className="visually-hidden">
              Add a member to {team.name}
            </label>
            <select id={selectId} value={adding} onChange={(event) => setAdding(event.target.value)} disabled={candidates.length === 0}>
              <option value="">{candidates.length === 0 ? 'Everyone is in this team' : 'Choose a member…'}</option>
              {candidates.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name} ({m.email})
                </option>
              ))}
            </select>
            <button type="submit" className="button button--small" disabled={!adding || add.isPending}>
              Add
            </button>
          </form>
          <div className="team__actions">
            <button type="button" className="button button--small" onClick={onRename}>
              Edit<span className="visually-hidden"> {team.name}</span>
            </button>
            <button type="button" className="button button--small button--ghost-danger" onClick={onDelete}>
              Delete<span className="visually-hidden"> {team.name}</span>
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
