import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post, put } from '../../api/client.ts';
import { workflowsKey, type ApprovalWorkflow, type WorkflowInput, type WorkflowStep } from '../../api/approvals.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FieldFrame } from '../../components/Field.tsx';
import { FormError, fieldErrors } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { capitalise } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { WORKSPACE_ROLES } from './roles.ts';
import { CheckList, ScopeFields, compactScope } from './ScopeFields.tsx';

const ROLE_OPTIONS = WORKSPACE_ROLES.map((role) => ({ id: role, label: capitalise(role) }));

const blankStep = (n: number): WorkflowStep => ({ name: n === 1 ? 'Review' : `Step ${n}`, approvers: { roles: ['approver'] }, rule: 'any' });

const blank = (): WorkflowInput => ({ name: '', enabled: true, conditions: {}, steps: [blankStep(1)], reapproveOnEdit: true, allowSelfApproval: false });

const move = <T,>(list: readonly T[], from: number, to: number): T[] => {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
};

/** Create or edit a workflow: when it applies, its steps and who approves each. */
export function WorkflowDialog({ workflow, open, onClose }: { workflow: ApprovalWorkflow | null; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title={workflow ? `Edit “${workflow.name}”` : 'New workflow'} onClose={onClose}>
      {open && <WorkflowForm key={workflow?.id ?? 'new'} workflow={workflow} onClose={onClose} />}
    </Dialog>
  );
}

function WorkflowForm({ workflow, onClose }: { workflow: ApprovalWorkflow | null; onClose: () => void }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const toast = useToast();
  const id = useId();
  // Only the fields the server takes: the list also carries ids and timestamps.
  const [value, setValue] = useState<WorkflowInput>(() =>
    workflow
      ? {
          name: workflow.name,
          enabled: workflow.enabled,
          conditions: workflow.conditions,
          steps: workflow.steps,
          reapproveOnEdit: workflow.reapproveOnEdit,
          allowSelfApproval: workflow.allowSelfApproval,
        }
      : blank(),
  );
  const save = useMutation({
    mutationFn: (body: WorkflowInput) =>
      workflow ? put(`/workspaces/${workspace.id}/approval-workflows/${workflow.id}`, body) : post(`/workspaces/${workspace.id}/approval-workflows`, body),
    onSuccess: () => {
      toast(workflow ? 'Workflow saved.' : `Workflow “${value.name}” created.`);
      void client.invalidateQueries({ queryKey: workflowsKey(workspace.id) });
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const conditions = value.conditions;
  const setSteps = (steps: WorkflowStep[]) => setValue({ ...value, steps });
  const sensitive = conditions.sensitive === undefined ? 'any' : conditions.sensitive ? 'yes' : 'no';

  return (
    <form
      className="form form--dialog-wide"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const { sensitive: flag, ...scope } = compactScope(value.conditions);
        const steps = value.steps.map((step) => ({ ...step, name: step.name.trim(), approvers: compactScope(step.approvers) }));
        save.mutate({ ...value, name: value.name.trim(), steps, conditions: { ...scope, ...(flag === undefined ? {} : { sensitive: flag }) } });
      }}
    >
      <FieldFrame id={`${id}-name`} label="Name" error={errors.name}>
        <input id={`${id}-name`} required value={value.name} onChange={(event) => setValue({ ...value, name: event.target.value })} />
      </FieldFrame>
      <label className="switch-row">
        <input type="checkbox" checked={value.enabled} onChange={(event) => setValue({ ...value, enabled: event.target.checked })} />
        <span className="switch-row__label">Enabled</span>
      </label>

      <fieldset className="form__group">
        <legend>Applies to posts</legend>
        <p className="field__hint">Every condition given must hold; leave them all empty to match every post.</p>
        <ScopeFields value={conditions} onChange={(scope) => setValue({ ...value, conditions: { ...conditions, ...scope } })} />
        <CheckList
          legend="Written by"
          options={ROLE_OPTIONS}
          value={conditions.authorRoles}
          onChange={(authorRoles) => setValue({ ...value, conditions: { ...conditions, authorRoles } })}
          hint="Authors with these roles; none ticked: anyone."
        />
        <div className="field">
          <label htmlFor={`${id}-sensitive`}>Sensitive posts</label>
          <select
            id={`${id}-sensitive`}
            value={sensitive}
            onChange={(event) => {
              const { sensitive: _old, ...rest } = conditions;
              const next = event.target.value;
              setValue({ ...value, conditions: next === 'any' ? rest : { ...rest, sensitive: next === 'yes' } });
            }}
          >
            <option value="any">Sensitive or not</option>
            <option value="yes">Only posts a compliance rule marked sensitive</option>
            <option value="no">Only posts not marked sensitive</option>
          </select>
        </div>
      </fieldset>

      <fieldset className="form__group">
        <legend>Steps</legend>
        <p className="field__hint">Each step must approve before the next one is asked.</p>
        {value.steps.map((step, index) => (
          <StepEditor
            key={index}
            step={step}
            index={index}
            count={value.steps.length}
            error={errors[`steps.${index}.name`] ?? errors[`steps.${index}.approvers`] ?? errors[`steps.${index}`]}
            onChange={(next) => setSteps(value.steps.map((s, i) => (i === index ? next : s)))}
            onMove={(to) => setSteps(move(value.steps, index, to))}
            onRemove={() => setSteps(value.steps.filter((_, i) => i !== index))}
          />
        ))}
        {errors.steps && <p className="field__error">{errors.steps}</p>}
        <div>
          <button type="button" className="button button--small" onClick={() => setSteps([...value.steps, blankStep(value.steps.length + 1)])}>
            Add step
          </button>
        </div>
      </fieldset>

      <label className="switch-row">
        <input type="checkbox" checked={value.reapproveOnEdit} onChange={(event) => setValue({ ...value, reapproveOnEdit: event.target.checked })} />
        <span>
          <span className="switch-row__label">Re-approve after edits</span>
          <span className="field__hint">Changing an approved post sends it through approval again.</span>
        </span>
      </label>
      <label className="switch-row">
        <input type="checkbox" checked={value.allowSelfApproval} onChange={(event) => setValue({ ...value, allowSelfApproval: event.target.checked })} />
        <span>
          <span className="switch-row__label">Allow self-approval</span>
          <span className="field__hint">An approver may approve a post they wrote.</span>
        </span>
      </label>

      <FormError error={save.error} fields={['name', 'steps', ...value.steps.flatMap((_, i) => [`steps.${i}`, `steps.${i}.name`, `steps.${i}.approvers`])]} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : workflow ? 'Save workflow' : 'Create workflow'}
        </button>
      </div>
    </form>
  );
}

function StepEditor({
  step,
  index,
  count,
  error,
  onChange,
  onMove,
  onRemove,
}: {
  step: WorkflowStep;
  index: number;
  count: number;
  error: string | undefined;
  onChange: (step: WorkflowStep) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { workspace } = useShell();
  const members = useMembers(workspace.id);
  const teams = useTeams(workspace.id);
  const id = useId();
  const label = `Step ${index + 1}`;
  return (
    <div className="step-editor" role="group" aria-label={label}>
      <div className="step-editor__head">
        <div className="field">
          <label htmlFor={`${id}-name`}>{label} name</label>
          <input id={`${id}-name`} value={step.name} onChange={(event) => onChange({ ...step, name: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-rule`}>Needs</label>
          <select id={`${id}-rule`} value={step.rule} onChange={(event) => onChange({ ...step, rule: event.target.value as WorkflowStep['rule'] })}>
            <option value="any">One approval</option>
            <option value="all">Every named person</option>
          </select>
        </div>
        <button type="button" className="button button--small" disabled={index === 0} aria-label={`Move ${label} up`} onClick={() => onMove(index - 1)}>
          ↑
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={index === count - 1}
          aria-label={`Move ${label} down`}
          onClick={() => onMove(index + 1)}
        >
          ↓
        </button>
        <button type="button" className="button button--small button--ghost-danger" disabled={count === 1} onClick={onRemove}>
          Remove {label.toLowerCase()}
        </button>
      </div>
      <CheckList
        legend="Approvers: people"
        options={(members.data ?? []).filter((m) => !m.pendingInvitation).map((m) => ({ id: m.userId, label: m.name }))}
        value={step.approvers.userIds}
        onChange={(userIds) => onChange({ ...step, approvers: { ...step.approvers, userIds } })}
        hint="“Every named person” waits for each of these people."
      />
      <CheckList
        legend="Approvers: roles"
        options={ROLE_OPTIONS.filter((r) => r.id !== 'contributor' && r.id !== 'analyst')}
        value={step.approvers.roles}
        onChange={(roles) => onChange({ ...step, approvers: { ...step.approvers, roles } })}
        hint="Anyone with one of these roles may approve."
      />
      <CheckList
        legend="Approvers: teams"
        options={(teams.data ?? []).map((t) => ({ id: t.id, label: t.name }))}
        value={step.approvers.teamIds}
        onChange={(teamIds) => onChange({ ...step, approvers: { ...step.approvers, teamIds } })}
        hint="Any member of these teams may approve."
      />
      {error && <p className="field__error">{error}</p>}
    </div>
  );
}
