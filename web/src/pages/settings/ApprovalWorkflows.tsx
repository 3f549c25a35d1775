import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { put } from '../../api/client.ts';
import { useWorkflows, workflowsKey, type ApprovalWorkflow } from '../../api/approvals.ts';
import { can } from '../../api/session.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { describeApprovers } from '../approvals/ApprovalParts.tsx';
import { describeScope, useScopeNames } from './ScopeFields.tsx';
import { WorkflowDialog } from './WorkflowDialog.tsx';
import { DeleteConfirm, RowActions } from './RuleRowParts.tsx';

/** Settings → Approval workflows: which posts need approval, and by whom, in order. */
export function ApprovalWorkflows() {
  const { workspace } = useShell();
  const manage = can(workspace, 'approvals.manage');
  const workflows = useWorkflows(workspace.id);
  const members = useMembers(workspace.id);
  const teams = useTeams(workspace.id);
  const names = useScopeNames();
  const client = useQueryClient();
  const [editing, setEditing] = useState<ApprovalWorkflow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ApprovalWorkflow | null>(null);

  const reorder = useMutation({
    mutationFn: (ids: string[]) => put(`/workspaces/${workspace.id}/approval-workflows/order`, { ids }),
    onSuccess: () => client.invalidateQueries({ queryKey: workflowsKey(workspace.id) }),
  });
  const list = workflows.data ?? [];
  const moveTo = (index: number, to: number) => {
    const ids = list.map((w) => w.id);
    const [id] = ids.splice(index, 1);
    ids.splice(to, 0, id!);
    reorder.mutate(ids);
  };

  return (
    <Section
      title="Approval workflows"
      description="A post goes through the first enabled workflow, in this order, whose conditions it matches. When none matches, a contributor’s post goes through the default approval (any one owner, admin, approver or publisher other than its author) and a publisher’s is scheduled directly."
      actions={
        manage && (
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            New workflow
          </button>
        )
      }
    >
      {workflows.isPending && <Loading />}
      {workflows.isError && <FormError error={workflows.error} />}
      {workflows.data?.length === 0 && (
        <EmptyState title="No approval workflows">
          <p>
            {manage
              ? 'Create one, e.g. “Contributors’ posts: one approver”, or “Sensitive posts: legal, then the brand lead”.'
              : 'Owners and admins set up approval workflows.'}
          </p>
        </EmptyState>
      )}
      <FormError error={reorder.error} />
      {list.length > 0 && (
        <ol className="rule-list" aria-label="Workflows in order">
          {list.map((workflow, index) => {
            const conditions = [
              ...describeScope(workflow.conditions, names),
              ...(workflow.conditions.authorRoles?.length ? [`Written by ${workflow.conditions.authorRoles.join(', ')}`] : []),
              ...(workflow.conditions.sensitive === undefined ? [] : [workflow.conditions.sensitive ? 'Sensitive posts' : 'Posts not marked sensitive']),
            ];
            return (
              <li key={workflow.id} className={`rule-row${workflow.enabled ? '' : ' rule-row--disabled'}`} aria-label={workflow.name}>
                <div className="rule-row__main">
                  <span className="rule-row__name">
                    {index + 1}. {workflow.name} {!workflow.enabled && <span className="badge badge--muted">Disabled</span>}
                  </span>
                  <span className="small">{conditions.length ? conditions.join(' · ') : 'Every post'}</span>
                  <span className="small muted">
                    {workflow.steps
                      .map(
                        (step, i) =>
                          `${i + 1}) ${step.name}: ${step.rule === 'all' ? 'all of' : 'any of'} ${describeApprovers(step.approvers, members.data ?? [], teams.data ?? [])}`,
                      )
                      .join(' → ')}
                  </span>
                </div>
                {manage && (
                  <RowActions name={workflow.name} onEdit={() => setEditing(workflow)} onDelete={() => setDeleting(workflow)}>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={index === 0 || reorder.isPending}
                      aria-label={`Move ${workflow.name} up`}
                      onClick={() => moveTo(index, index - 1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={index === list.length - 1 || reorder.isPending}
                      aria-label={`Move ${workflow.name} down`}
                      onClick={() => moveTo(index, index + 1)}
                    >
                      ↓
                    </button>
                  </RowActions>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <WorkflowDialog open={editing !== null} workflow={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      <DeleteConfirm
        item={deleting}
        noun="workflow"
        path={`/workspaces/${workspace.id}/approval-workflows/${deleting?.id}`}
        listKey={workflowsKey(workspace.id)}
        consequence="Posts already submitted to it finish their approval as they started."
        onClose={() => setDeleting(null)}
      />
    </Section>
  );
}
