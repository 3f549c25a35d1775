import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, post as postRequest } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { approvalsKey, type PostApproval } from '../../api/approvals.ts';
import { calendarKey, postKey, usePost, type PostWithVariants } from '../../api/publishing.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatZoned } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { ApprovalStatusBadge, DecisionList, Reasons, SensitiveBadge, StepProgress } from '../approvals/ApprovalParts.tsx';

const managerRoles = new Set(['owner', 'admin']);

/**
 * A post's approval in the composer: where it stands, who decided what, and what the reader may do
 * about it (withdraw it, or bypass it as an owner or admin).
 */
export function ApprovalPanel({ postId, onChange }: { postId: string; onChange: (saved: PostWithVariants) => void }) {
  const { workspace, session } = useShell();
  const zone = workspace.timezone;
  const client = useQueryClient();
  const toast = useToast();
  const current = usePost(workspace.id, postId);
  const approval: PostApproval | null | undefined = current.data?.approval;
  const members = useMembers(workspace.id);
  const teams = useTeams(workspace.id);
  const [bypassing, setBypassing] = useState(false);

  const refresh = async () => {
    void client.invalidateQueries({ queryKey: approvalsKey(workspace.id) });
    void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
    await client.invalidateQueries({ queryKey: postKey(workspace.id, postId) });
    const fresh = client.getQueryData<PostWithVariants>(postKey(workspace.id, postId));
    if (fresh) onChange(fresh);
  };
  const withdraw = useMutation({
    mutationFn: () => postRequest(`/workspaces/${workspace.id}/approvals/${approval!.requestId}/withdraw`),
    onSuccess: async () => {
      await refresh();
      toast('Withdrawn: the post is a draft again.');
    },
  });

  if (!approval) return null;
  const { decisions, submittedBy: submitter, requestedAt, bypassReason } = approval;
  const pending = approval.status === 'pending';
  // The same people the server lets withdraw: the author, or anyone who may schedule.
  const mayWithdraw = pending && (submitter?.id === session.user.id || can(workspace, 'posts.schedule'));
  const mayBypass = pending && managerRoles.has(workspace.role);
  const step = approval.steps[approval.currentStep];

  return (
    <section className="approval-panel" aria-label="Approval">
      <div className="approval-panel__head">
        <strong>Approval</strong>
        <ApprovalStatusBadge status={approval.status} />
        {approval.sensitive && <SensitiveBadge />}
        <span className="muted small">
          {approval.workflowName}
          {pending && step && ` · step ${approval.currentStep + 1} of ${approval.steps.length}: ${step.name}`}
        </span>
      </div>
      {(submitter || requestedAt) && (
        <p className="small muted">
          {submitter && `Submitted by ${submitter.name}`}
          {requestedAt && `${submitter ? ', to' : 'To'} publish ${formatZoned(requestedAt, zone, 'cccc d LLLL, HH:mm')}`}
          {!requestedAt && submitter && ', to publish as soon as approved'}.
        </p>
      )}
      <Reasons reasons={approval.reasons} />
      <StepProgress steps={approval.steps} currentStep={approval.currentStep} status={approval.status} members={members.data} teams={teams.data} />
      <DecisionList decisions={decisions} steps={approval.steps} zone={zone} members={members.data} />
      {bypassReason && <p className="small">Bypassed: {bypassReason}</p>}
      <FormError error={withdraw.error} />
      <div className="approval-panel__actions">
        {mayWithdraw && (
          <button type="button" className="button button--small" disabled={withdraw.isPending} onClick={() => withdraw.mutate()}>
            {withdraw.isPending ? 'Withdrawing…' : 'Withdraw'}
          </button>
        )}
        {mayBypass && (
          <button type="button" className="button button--small" onClick={() => setBypassing(true)}>
            Bypass approval…
          </button>
        )}
        <a className="button button--small" href={`/api/v1/workspaces/${workspace.id}/posts/${postId}/approvals.csv`} download>
          Download approval history (CSV)
        </a>
      </div>
      <BypassDialog open={bypassing} postId={postId} onClose={() => setBypassing(false)} onDone={refresh} />
    </section>
  );
}

function BypassDialog({ open, postId, onClose, onDone }: { open: boolean; postId: string; onClose: () => void; onDone: () => Promise<void> }) {
  const { workspace } = useShell();
  const toast = useToast();
  const id = useId();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const bypass = useMutation({
    // Without a time, the server keeps the times the author asked for.
    mutationFn: () => postRequest(`/workspaces/${workspace.id}/posts/${postId}/bypass-approval`, { reason: reason.trim() }),
    onSuccess: async () => {
      onClose();
      setReason('');
      await onDone();
      toast('Approval bypassed; the post is scheduled.');
    },
  });
  const close = () => {
    onClose();
    bypass.reset();
    setMissing(false);
  };
  return (
    <Dialog
      open={open}
      title="Bypass approval"
      onClose={close}
      description="The post is scheduled without the remaining approvals. The reason is kept in the approval history and the audit log."
    >
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setMissing(!reason.trim());
          if (reason.trim()) bypass.mutate();
        }}
      >
        <div className={`field${missing ? ' field--invalid' : ''}`}>
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea id={`${id}-reason`} rows={3} value={reason} aria-invalid={missing || undefined} onChange={(event) => setReason(event.target.value)} />
          {missing ? (
            <p className="field__error">Say why this post skips approval.</p>
          ) : (
            <p className="field__hint">At least 10 characters; it stays with the post’s history.</p>
          )}
        </div>
        <FormError error={bypass.error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={bypass.isPending}>
            {bypass.isPending ? 'Bypassing…' : 'Bypass and schedule'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * "Submit for approval": what people who may not schedule do instead, at the chosen time. Saves the
 * draft first, like scheduling does.
 */
export function useSubmitForApproval(flush: () => Promise<string | null>, onSubmitted: (saved: PostWithVariants) => void) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: async (when: string | null) => {
      const id = await flush();
      if (!id) throw new ApiError(422, 'no_profiles', 'Pick at least one profile first.', []);
      return postRequest<PostWithVariants>(`/workspaces/${workspace.id}/posts/${id}/submit`, when ? { when: { localTime: when } } : {});
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: approvalsKey(workspace.id) });
      onSubmitted(saved);
      toast(saved.approval ? `Submitted for approval (${saved.approval.workflowName}).` : 'No approval was needed: the post is scheduled.');
    },
  });
}
