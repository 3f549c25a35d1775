import { useState } from 'react';
import { useAuditLog, type AuditFilters } from '../../api/audit.ts';
import { can } from '../../api/session.ts';
import type { AuditEvent, Member, Team, Workspace } from '../../api/types.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { AuditChanges } from './AuditChanges.tsx';
import { AuditFilterForm } from './AuditFilterForm.tsx';

export function AuditLog() {
  const { workspace } = useShell();
  const allowed = can(workspace, 'audit.read');
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useAuditLog(workspace.id, allowed ? filters : {});
  const members = useMembers(workspace.id);
  const teams = useTeams(workspace.id);

  if (!allowed) {
    return (
      <Section title="Audit log">
        <p>Only workspace owners and admins can read the audit log.</p>
      </Section>
    );
  }
  const userName = (id: string) => members.data?.find((m) => m.userId === id)?.name;
  const events = log.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Object.values(filters).some(Boolean);

  return (
    <Section title="Audit log" description="Every change to this workspace: who made it, when, and what it was before and after.">
      <AuditFilterForm members={members.data ?? []} onApply={setFilters} />
      {log.isPending && <Loading />}
      {log.isError && <FormError error={log.error} />}
      {log.isSuccess && events.length === 0 && (
        <EmptyState title={filtered ? 'No events match these filters' : 'No events yet'}>
          <p>{filtered ? 'Widen the date range or clear a filter.' : 'Changes to members, teams and settings will be listed here.'}</p>
        </EmptyState>
      )}
      {events.length > 0 && (
        <div className="table-wrap">
          <table className="table table--audit table--stack">
            <caption className="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.id}>
                  <td className="nowrap">
                    <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                  </td>
                  <td data-label="Actor">{event.actorLabel}</td>
                  <td data-label="Action">
                    <code className="action">{event.action}</code>
                  </td>
                  <td data-label="Target">{describeTarget(event, members.data ?? [], teams.data ?? [], workspace)}</td>
                  <td data-label="Changes">
                    <AuditChanges before={event.before} after={event.after} userName={userName} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <div className="load-more">
          <button type="button" className="button" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
      <p className="visually-hidden" role="status">
        {log.isSuccess ? `${events.length} events shown${log.hasNextPage ? ', more available' : ''}.` : ''}
      </p>
    </Section>
  );
}

/** A readable name for what an event changed, from what the page knows already. */
function describeTarget(event: AuditEvent, members: Member[], teams: Team[], workspace: Workspace): string {
  const id = event.targetId;
  const after = (event.after ?? {}) as Record<string, unknown>;
  const before = (event.before ?? {}) as Record<string, unknown>;
  if (event.targetType === 'user') {
    const member = members.find((m) => m.userId === id);
    const email = member?.email ?? (typeof after.email === 'string' ? after.email : undefined);
    return `Member ${member?.name ?? email ?? shortId(id)}`;
  }
  if (event.targetType === 'team') {
    const name = teams.find((t) => t.id === id)?.name ?? after.name ?? after.team ?? before.name ?? before.team;
    return `Team ${typeof name === 'string' ? name : shortId(id)}`;
  }
  if (event.targetType === 'workspace') return `Workspace ${id === workspace.id ? workspace.name : shortId(id)}`;
  return `${event.targetType} ${shortId(id)}`;
}

const shortId = (id: string | null) => (id ? id.slice(0, 8) : '');
