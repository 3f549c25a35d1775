import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { post } from '../../api/client.ts';
import { approvalsKey, type ApprovalDecision, type ApprovalItem } from '../../api/approvals.ts';
import { calendarKey, postKey, type SocialProfile } from '../../api/publishing.ts';
import { useMediaItems } from '../../api/media.ts';
import type { Member, Team } from '../../api/types.ts';
import { FormError } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatRelative } from '../../lib/format.ts';
import { formatZoned } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { PostPreview } from '../publishing/Preview.tsx';
import { ApprovalStatusBadge, DecisionList, Reasons, SensitiveBadge, StepProgress } from './ApprovalParts.tsx';

interface Props {
  item: ApprovalItem;
  profiles: readonly SocialProfile[];
  members: readonly Member[];
  teams: readonly Team[];
}

/** A profile for the preview; a disconnected one is drawn from what the request kept. */
const profileFor = (profiles: readonly SocialProfile[], v: ApprovalItem['content']['variants'][number]): SocialProfile =>
  profiles.find((p) => p.id === v.profileId) ?? {
    id: v.profileId,
    network: v.network as SocialProfile['network'],
    accountId: '',
    handle: v.handle,
    displayName: null,
    avatarUrl: null,
    profileUrl: null,
    serviceUrl: null,
    status: 'active',
    statusReason: null,
    tokenExpiresAt: null,
    connectedAt: '',
    checkedAt: null,
  };

/** One post waiting for (or past) approval: exactly what was submitted, why, where it stands, and the decision. */
export function ApprovalCard({ item, profiles, members, teams }: Props) {
  const { workspace } = useShell();
  const zone = workspace.timezone;
  const author = item.submittedBy?.name ?? 'A former member';
  const media = useMediaItems(workspace.id, [...new Set(item.content.variants.flatMap((v) => v.mediaIds))]);
  const mediaOf = (ids: string[]) => media.filter((m) => m && ids.includes(m.id));
  return (
    <li className="approval card" aria-label={`Post by ${author}`}>
      <div className="card__body approval__body">
        <header className="approval__head">
          <div className="approval__who">
            <strong>{author}</strong>
            <span className="muted small">
              {' '}
              submitted{' '}
              <time dateTime={item.submittedAt} title={formatZoned(item.submittedAt, zone, 'cccc d LLLL yyyy, HH:mm')}>
                {formatRelative(item.submittedAt)}
              </time>
            </span>
          </div>
          <div className="approval__badges">
            {item.sensitive && <SensitiveBadge />}
            <ApprovalStatusBadge status={item.status} />
          </div>
        </header>
        <dl className="approval__facts">
          <div>
            <dt>Publish</dt>
            <dd>{item.requestedAt ? formatZoned(item.requestedAt, zone, 'cccc d LLLL, HH:mm') : 'As soon as approved'}</dd>
          </div>
          <div>
            <dt>Workflow</dt>
            <dd>
              {item.workflowName}
              {item.status === 'pending' && item.stepName && <span className="muted"> · step “{item.stepName}”</span>}
            </dd>
          </div>
          {item.decidedAt && (
            <div>
              <dt>Decided</dt>
              <dd>{formatZoned(item.decidedAt, zone, 'cccc d LLLL, HH:mm')}</dd>
            </div>
          )}
          {item.bypassReason && (
            <div>
              <dt>Bypassed because</dt>
              <dd>{item.bypassReason}</dd>
            </div>
          )}
          {item.content.tags.length > 0 && (
            <div>
              <dt>Tags</dt>
              <dd>{item.content.tags.join(', ')}</dd>
            </div>
          )}
        </dl>
        <Reasons reasons={item.reasons} />
        <StepProgress steps={item.steps} currentStep={item.currentStep} status={item.status} members={members} teams={teams} />
        <div className="approval__previews">
          {item.content.variants.map((v) => (
            <PostPreview key={v.variantId} profile={profileFor(profiles, v)} text={v.text} media={mediaOf(v.mediaIds)} />
          ))}
        </div>
        <DecisionList decisions={item.decisions} steps={item.steps} zone={zone} members={members} />
        {item.status === 'pending' && <DecisionForm item={item} />}
        <p className="small">
          <Link to={`/w/${workspace.id}/publish/posts/${item.postId}`}>Open the post</Link>
        </p>
      </div>
    </li>
  );
}

const LABEL: Record<ApprovalDecision, string> = { approved: 'Approve', changes_requested: 'Request changes', rejected: 'Reject' };
const DONE: Record<ApprovalDecision, string> = { approved: 'Approved.', changes_requested: 'Changes requested.', rejected: 'Rejected.' };

function DecisionForm({ item }: { item: ApprovalItem }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const toast = useToast();
  const id = useId();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const decide = useMutation({
    mutationFn: (decision: ApprovalDecision) => post(`/workspaces/${workspace.id}/approvals/${item.id}/decision`, { decision, comment: comment.trim() }),
    onSuccess: (_answer, decision) => {
      toast(DONE[decision]);
      void client.invalidateQueries({ queryKey: approvalsKey(workspace.id) });
      void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
      void client.invalidateQueries({ queryKey: postKey(workspace.id, item.postId) });
    },
  });
  const act = (decision: ApprovalDecision) => {
    // Rejecting or asking for changes without saying why leaves the author guessing.
    const needsComment = decision !== 'approved' && !comment.trim();
    setMissing(needsComment);
    if (!needsComment) decide.mutate(decision);
  };
  const blocked = !item.canDecide;
  return (
    <form className="approval__decide" noValidate onSubmit={(event) => event.preventDefault()}>
      {blocked && <p className="approval__cannot small">{item.cannotDecideReason ?? 'You cannot decide this step.'}</p>}
      <fieldset className="form__plain" disabled={blocked || decide.isPending}>
        <div className={`field${missing ? ' field--invalid' : ''}`}>
          <label htmlFor={`${id}-comment`}>Comment</label>
          <textarea
            id={`${id}-comment`}
            rows={2}
            value={comment}
            aria-invalid={missing || undefined}
            aria-describedby={`${id}-hint`}
            onChange={(event) => {
              setComment(event.target.value);
              if (event.target.value.trim()) setMissing(false);
            }}
          />
          <p className={missing ? 'field__error' : 'field__hint'} id={`${id}-hint`}>
            {missing
              ? 'Say what should change: a comment is required to reject or request changes.'
              : 'Optional to approve; required to reject or request changes.'}
          </p>
        </div>
        <FormError error={decide.error} />
        <div className="form-actions form-actions--start">
          <button type="button" className="button button--primary" onClick={() => act('approved')}>
            {LABEL.approved}
          </button>
          <button type="button" className="button" onClick={() => act('changes_requested')}>
            {LABEL.changes_requested}
          </button>
          <button type="button" className="button button--ghost-danger" onClick={() => act('rejected')}>
            {LABEL.rejected}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
