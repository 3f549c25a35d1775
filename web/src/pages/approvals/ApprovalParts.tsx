import { APPROVAL_STATUS_LABEL, DECISION_LABEL, type ApprovalStatus, type Decision, type StepApprovers, type WorkflowStep } from '../../api/approvals.ts';
import type { Member, Team } from '../../api/types.ts';
import { capitalise } from '../../lib/format.ts';
import { formatZoned } from '../../lib/zoned.ts';
import '../../styles/approvals.css';

export const ApprovalStatusBadge = ({ status }: { status: ApprovalStatus }) => (
  <span className={`badge ${APPROVAL_STATUS_LABEL[status].tone}`}>{APPROVAL_STATUS_LABEL[status].label}</span>
);

export const SensitiveBadge = () => (
  <span className="badge badge--danger" title="A compliance rule marked this post as sensitive.">
    Sensitive
  </span>
);

/** "Ana Lee, approvers, Team Legal": who may decide a step, in words. */
export function describeApprovers(approvers: StepApprovers, members: readonly Member[], teams: readonly Team[]): string {
  const people = (approvers.userIds ?? []).map((id) => members.find((m) => m.userId === id)?.name ?? 'a former member');
  const roles = (approvers.roles ?? []).map((role) => `${role}s`);
  const teamNames = (approvers.teamIds ?? []).map((id) => `team ${teams.find((t) => t.id === id)?.name ?? '(deleted)'}`);
  const all = [...people, ...roles, ...teamNames];
  return all.length ? all.join(', ') : 'nobody yet';
}

type StepState = 'done' | 'current' | 'stopped' | 'waiting';

function stepState(index: number, currentStep: number, status: ApprovalStatus): StepState {
  if (status === 'approved' || status === 'bypassed') return 'done';
  if (index < currentStep) return 'done';
  if (index > currentStep) return 'waiting';
  return status === 'pending' ? 'current' : 'stopped';
}

const STATE_LABEL: Record<StepState, string> = { done: 'done', current: 'waiting for a decision', stopped: 'stopped here', waiting: 'not yet' };

/** The workflow's steps in order, with the one waiting for decisions marked. */
export function StepProgress({
  steps,
  currentStep,
  status,
  members = [],
  teams = [],
}: {
  steps: readonly WorkflowStep[];
  currentStep: number;
  status: ApprovalStatus;
  members?: readonly Member[];
  teams?: readonly Team[];
}) {
  return (
    <ol className="steps" aria-label="Approval steps">
      {steps.map((step, index) => {
        const state = stepState(index, currentStep, status);
        return (
          <li key={index} className={`steps__step steps__step--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="steps__marker" aria-hidden="true">
              {state === 'done' ? '✓' : index + 1}
            </span>
            <span className="steps__text">
              <span className="steps__name">{step.name}</span>
              <span className="steps__who muted small">
                {step.rule === 'all' ? 'All of ' : 'Any of '}
                {describeApprovers(step.approvers, members, teams)}
                <span className="visually-hidden"> ({STATE_LABEL[state]})</span>
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Who decided what, with their comments, oldest first. */
export function DecisionList({
  decisions,
  steps,
  zone,
  members = [],
}: {
  decisions: readonly Decision[];
  steps: readonly WorkflowStep[];
  zone: string;
  members?: readonly Member[];
}) {
  if (decisions.length === 0) return null;
  return (
    <ul className="decisions" aria-label="Decisions">
      {decisions.map((d, i) => (
        <li key={d.id ?? i} className={`decision decision--${d.decision}`}>
          <span className="decision__head">
            <strong>{members.find((m) => m.userId === d.userId)?.name ?? d.userLabel}</strong> {DECISION_LABEL[d.decision]}
            {steps[d.step] && steps.length > 1 && <span className="muted"> at “{steps[d.step]!.name}”</span>}
            <span className="muted small">
              {' · '}
              {formatZoned(d.createdAt, zone)}
              {d.via !== 'app' && ` · from ${capitalise(d.via)}`}
            </span>
          </span>
          {d.comment && <q className="decision__comment">{d.comment}</q>}
        </li>
      ))}
    </ul>
  );
}

/** Why the server chose this workflow (conditions that matched, sensitive rules that tripped). */
export function Reasons({ reasons }: { reasons: readonly string[] }) {
  if (reasons.length === 0) return null;
  return (
    <div className="reasons">
      <span className="muted small">Why this workflow</span>
      <ul>
        {reasons.map((reason, i) => (
          <li key={i}>{reason}</li>
        ))}
      </ul>
    </div>
  );
}
