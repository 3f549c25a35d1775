import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { saveSlaTarget, saveTeamInboxProfiles, slaTargetsKey, useSlaTargets, useTeamInboxProfiles, type SlaTarget } from '../../api/inbox.ts';
import { useProfiles } from '../../api/publishing.ts';
import { can } from '../../api/session.ts';
import type { Team } from '../../api/types.ts';
import { useTeams } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { NetworkIcon } from '../../components/NetworkIcon.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import '../../styles/inbox.css';

/** Settings → Inbox: service-level targets, and which profiles each team's inbox covers. */
export function InboxSettings() {
  return (
    <div className="stack">
      <SlaTargets />
      <TeamInboxes />
    </div>
  );
}

const minutesOrNull = (value: FormDataEntryValue | null): number | null => {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
};

function SlaTargets() {
  const { workspace } = useShell();
  const manage = can(workspace, 'inbox.manage');
  const targets = useSlaTargets(workspace.id);
  const teams = useTeams(workspace.id);
  const rows: { teamId: string | null; label: string }[] = [{ teamId: null, label: 'Workspace default' }, ...(teams.data ?? []).map((t) => ({ teamId: t.id, label: t.name }))];
  return (
    <Section
      title="Service levels"
      description="How soon conversations should get a first answer and be closed, in minutes from the customer’s first message. A team’s targets apply to conversations it holds; the default applies to the rest. Conversations past the warning share of a target are highlighted as nearing breach. Leave both empty for no target."
    >
      {(targets.isPending || teams.isPending) && <Loading />}
      {targets.isError && <FormError error={targets.error} />}
      {targets.data && teams.data && (
        <div className="table-wrap">
          <table className="table sla-table">
            <thead>
              <tr>
                <th scope="col">Applies to</th>
                <th scope="col">First response (min)</th>
                <th scope="col">Resolution (min)</th>
                <th scope="col">Warn at (%)</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <SlaRow key={row.teamId ?? 'default'} label={row.label} teamId={row.teamId} target={targets.data.find((t) => t.teamId === row.teamId)} editable={manage} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function SlaRow({ label, teamId, target, editable }: { label: string; teamId: string | null; target: SlaTarget | undefined; editable: boolean }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const toast = useToast();
  const formId = `sla-${teamId ?? 'default'}`;
  const save = useMutation({
    mutationFn: (value: SlaTarget) => saveSlaTarget(workspace.id, value),
    onSuccess: () => {
      toast(`Service level for ${label} saved.`);
      void client.invalidateQueries({ queryKey: slaTargetsKey(workspace.id) });
    },
  });
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <input form={formId} type="number" name="firstResponseMinutes" min={1} aria-label={`First response target for ${label}, in minutes`} defaultValue={target?.firstResponseMinutes ?? ''} disabled={!editable} />
      </td>
      <td>
        <input form={formId} type="number" name="resolutionMinutes" min={1} aria-label={`Resolution target for ${label}, in minutes`} defaultValue={target?.resolutionMinutes ?? ''} disabled={!editable} />
      </td>
      <td>
        <input form={formId} type="number" name="warnPercent" min={1} max={99} aria-label={`Warning share for ${label}, in percent`} defaultValue={target?.warnPercent ?? 75} disabled={!editable} />
      </td>
      <td>
        {editable && (
          <form
            id={formId}
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              save.mutate({
                teamId,
                firstResponseMinutes: minutesOrNull(data.get('firstResponseMinutes')),
                resolutionMinutes: minutesOrNull(data.get('resolutionMinutes')),
                warnPercent: minutesOrNull(data.get('warnPercent')) ?? 75,
              });
            }}
          >
            <button type="submit" className="button button--small" disabled={save.isPending} aria-label={`Save service level for ${label}`}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          </form>
        )}
        <FormError error={save.error} />
      </td>
    </tr>
  );
}

function TeamInboxes() {
  const { workspace } = useShell();
  const teams = useTeams(workspace.id);
  const profiles = useProfiles(workspace.id);
  return (
    <Section
      title="Team inboxes"
      description="Give a team the inbox of some profiles: their conversations are then seen only by that team’s members (and by workspace owners and admins). A profile no team holds is seen by everyone who may read the inbox."
    >
      {(teams.isPending || profiles.isPending) && <Loading />}
      {teams.data?.length === 0 && (
        <EmptyState title="No teams yet">
          <p>Create teams in Settings → Teams first.</p>
        </EmptyState>
      )}
      {teams.data && profiles.data && teams.data.length > 0 && (
        <div className="team-profiles">
          {teams.data.map((team) => (
            <TeamProfiles key={team.id} team={team} profiles={profiles.data} />
          ))}
        </div>
      )}
    </Section>
  );
}

function TeamProfiles({ team, profiles }: { team: Team; profiles: { id: string; network: string; handle: string }[] }) {
  const { workspace } = useShell();
  const manage = can(workspace, 'inbox.manage');
  const held = useTeamInboxProfiles(workspace.id, team.id);
  const client = useQueryClient();
  const toast = useToast();
  const [chosen, setChosen] = useState<string[] | null>(null);
  const current = chosen ?? held.data ?? [];
  const save = useMutation({
    mutationFn: () => saveTeamInboxProfiles(workspace.id, team.id, current),
    onSuccess: ({ profileIds }) => {
      client.setQueryData(['team-inbox-profiles', workspace.id, team.id], profileIds);
      setChosen(null);
      toast(`${team.name}’s inbox saved.`);
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <fieldset disabled={!manage || held.isPending}>
        <legend>
          <strong>{team.name}</strong>
        </legend>
        {profiles.length === 0 && <p className="muted small">No profiles are connected.</p>}
        {profiles.map((p) => (
          <label key={p.id}>
            <input
              type="checkbox"
              checked={current.includes(p.id)}
              onChange={(event) => setChosen(event.target.checked ? [...current, p.id] : current.filter((id) => id !== p.id))}
            />
            <NetworkIcon network={p.network} size={16} /> @{p.handle}
          </label>
        ))}
        <FormError error={held.error ?? save.error} />
        {manage && (
          <div className="form-actions form-actions--start">
            <button type="submit" className="button button--small" disabled={chosen === null || save.isPending}>
              {save.isPending ? 'Saving…' : `Save ${team.name}’s inbox`}
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
