import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { DateTime } from 'luxon';
import { ApiError, del as delRequest, post as postRequest } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import {
  calendarKey,
  postKey,
  useCampaigns,
  useNetworks,
  usePost,
  useProfiles,
  type NetworkInfo,
  type PostWithVariants,
  type Problem,
  type SocialProfile,
  type Variant,
  type VariantProblem,
} from '../../api/publishing.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { NetworkIcon, ProfileAvatar } from '../../components/NetworkIcon.tsx';
import { Loading, useDocumentTitle } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { formatZoned, localTime, zoneLabel } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { ComposerPreview } from './Preview.tsx';
import { ComposeTextarea } from './MentionAutocomplete.tsx';
import { VariantMedia } from './VariantMedia.tsx';
import { PostStatus, ReadOnlyPost, ResolveActions } from './PostView.tsx';
import { TagInput } from './TagInput.tsx';
import { useDraft, type DraftContent } from './useDraft.ts';
import { useTextCounter } from './useTextCounter.ts';
import { useComposeCheck } from './useComposeCheck.ts';
import { ComplianceNotes } from './ComplianceNotes.tsx';
import { AttachedMedia } from '../media/AttachedMedia.tsx';
import { RepeatControl } from './RepeatControl.tsx';
import { AddToQueueButton } from './AddToQueue.tsx';
import { PostNotes } from './PostNotes.tsx';
import { ApprovalPanel, useSubmitForApproval } from './ApprovalPanel.tsx';

/** The composer for a new post (/publish/compose) or an existing one (/publish/posts/:postId). */
export function Composer() {
  const { workspace } = useShell();
  const { postId } = useParams();
  const existing = usePost(workspace.id, postId);
  // A new post gets its id when its draft is first saved; the address follows without a reload.
  const created = useRef<string | null>(null);
  const [formKey, setFormKey] = useState(postId ?? 'new');
  const [routeId, setRouteId] = useState(postId);
  if (routeId !== postId) {
    setRouteId(postId);
    if (!(postId && postId === created.current)) setFormKey(postId ?? `new-${Date.now()}`);
  }
  useDocumentTitle(postId ? 'Edit post' : 'New post');
  // Start from the post as it is now, not as the cache last saw it (it may have gone out since).
  if (postId && postId !== created.current && (existing.isPending || (!existing.isFetchedAfterMount && !existing.isError))) return <Loading />;
  if (postId && existing.isError) return <FormError error={existing.error} />;
  return (
    <ComposerForm
      key={formKey}
      initial={postId && postId !== created.current ? existing.data : undefined}
      onCreated={(id) => {
        created.current = id;
      }}
    />
  );
}

const frozenStatuses = new Set(['publishing', 'published']);

function ComposerForm({ initial, onCreated }: { initial: PostWithVariants | undefined; onCreated: (id: string) => void }) {
  const { workspace } = useShell();
  const navigate = useNavigate();
  const location = useLocation();
  const toast = useToast();
  const client = useQueryClient();
  const profiles = useProfiles(workspace.id);
  const networks = useNetworks();
  const campaigns = useCampaigns(workspace.id);
  const zone = workspace.timezone;
  const mayDraft = can(workspace, 'posts.draft');
  const maySchedule = can(workspace, 'posts.schedule');

  const [variants, setVariants] = useState<Variant[]>(initial?.variants ?? []);
  const frozen = variants.some((v) => frozenStatuses.has(v.status));
  const scheduled = variants.filter((v) => v.status === 'scheduled');
  const readOnly = frozen || !mayDraft || (scheduled.length > 0 && !maySchedule);

  const [content, setContent] = useState<DraftContent>(() => ({
    profileIds: initial?.variants.map((v) => v.profileId) ?? [],
    text: initial?.post.text ?? '',
    overrides: Object.fromEntries(initial?.variants.filter((v) => v.tailored).map((v) => [v.profileId, v.text]) ?? []),
    campaignId: initial?.post.campaignId ?? '',
    tags: initial?.post.tags ?? [],
    mediaIds: initial?.post.mediaIds ?? [],
    // A variant whose media differ from the post's chose its own.
    variantMedia: Object.fromEntries(initial?.variants.filter((v) => v.mediaIds.join() !== initial.post.mediaIds.join()).map((v) => [v.profileId, v.mediaIds]) ?? []),
    repeat: initial?.post.repeat ?? null,
  }));
  const [serverProblems, setServerProblems] = useState<Record<string, VariantProblem[]>>({});
  const draft = useDraft(workspace.id, initial?.post.id ?? null, content, !readOnly, (saved) => setVariants(saved.variants));

  // Once the new draft has an id, the address names it (replacing /compose, keeping this form).
  useEffect(() => {
    if (draft.postId && !initial && location.pathname.endsWith('/compose')) {
      onCreated(draft.postId);
      navigate(`/w/${workspace.id}/publish/posts/${draft.postId}`, { replace: true });
    }
  }, [draft.postId, initial, location.pathname, navigate, onCreated, workspace.id]);

  const change = (next: Partial<DraftContent>) => {
    setContent((c) => ({ ...c, ...next }));
    setServerProblems({});
    draft.touch();
  };

  const connected = profiles.data ?? [];
  const selected = content.profileIds.map((id) => connected.find((p) => p.id === id)).filter((p): p is SocialProfile => !!p);
  const textFor = (profileId: string) => (profileId in content.overrides ? content.overrides[profileId]! : content.text);
  const mediaFor = (profileId: string) => content.variantMedia?.[profileId] ?? content.mediaIds ?? [];
  const networkOf = (profile: SocialProfile) => networks.data?.find((n) => n.network === profile.network);
  const { problems: checks, compliance } = useComposeCheck(workspace.id, selected.map((p) => ({ profileId: p.id, text: textFor(p.id), mediaIds: mediaFor(p.id) })), !readOnly, { tags: content.tags, campaignId: content.campaignId || null });
  const count = useTextCounter();

  // Schedule picker: the post's time, or tomorrow 09:00, in the workspace's zone.
  // A post waiting for approval keeps the time its author asked for.
  const firstScheduled = (scheduled[0] ?? variants.find((v) => v.status === 'pending_approval'))?.scheduledAt;
  const initialWhen = firstScheduled ? DateTime.fromISO(firstScheduled, { zone }) : DateTime.now().setZone(zone).plus({ days: 1 }).set({ hour: 9, minute: 0 });
  const [day, setDay] = useState(initialWhen.toISODate() ?? '');
  const [time, setTime] = useState(initialWhen.toFormat('HH:mm'));

  const afterPublishAction = (saved: PostWithVariants) => {
    setVariants(saved.variants);
    client.setQueryData(postKey(workspace.id, saved.post.id), saved);
    void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
    void client.invalidateQueries({ queryKey: ['drafts', workspace.id] });
  };
  const onProblems = (error: unknown) => {
    if (error instanceof ApiError && error.code === 'post_invalid' && Array.isArray(error.details.problems)) {
      const byProfile: Record<string, VariantProblem[]> = {};
      for (const problem of error.details.problems as VariantProblem[]) {
        const profileId =
          variants.find((v) => v.id === problem.variantId)?.profileId ?? connected.find((p) => p.network === problem.network && p.handle === problem.handle)?.id ?? '';
        (byProfile[profileId] ??= []).push(problem);
      }
      setServerProblems(byProfile);
    }
  };
  const schedule = useMutation({
    mutationFn: async (when: 'now' | 'later') => {
      const id = await draft.flush();
      if (!id) throw new ApiError(422, 'no_profiles', 'Pick at least one profile first.', []);
      return postRequest<PostWithVariants>(`/workspaces/${workspace.id}/posts/${id}/schedule`, when === 'now' ? {} : { when: { localTime: localTime(day, time) } });
    },
    onSuccess: (saved, when) => {
      afterPublishAction(saved);
      if (saved.approval?.status === 'pending') {
        toast(`Sent for approval (${saved.approval.workflowName}); it is scheduled once approved.`);
        return;
      }
      if (when === 'now') {
        toast('Publishing now. The calendar shows when it is out.');
        navigate(`/w/${workspace.id}/publish/calendar`);
      } else {
        toast(`Scheduled for ${formatZoned(saved.variants[0]?.scheduledAt ?? '', zone, 'cccc d LLLL, HH:mm')}.`);
        navigate(`/w/${workspace.id}/publish/calendar?date=${day}`);
      }
    },
    onError: onProblems,
  });
  const submit = useSubmitForApproval(draft.flush, afterPublishAction);
  const unschedule = useMutation({
    mutationFn: () => postRequest<PostWithVariants>(`/workspaces/${workspace.id}/posts/${draft.postId}/unschedule`),
    onSuccess: (saved) => {
      afterPublishAction(saved);
      toast('Back to draft: nothing is scheduled.');
    },
  });
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => delRequest(`/workspaces/${workspace.id}/posts/${draft.postId}`),
    onSuccess: () => {
      toast('Post deleted.');
      void client.invalidateQueries({ queryKey: calendarKey(workspace.id) });
      void client.invalidateQueries({ queryKey: ['drafts', workspace.id] });
      navigate(`/w/${workspace.id}/publish/drafts`);
    },
  });
  const saveDraft = useMutation({
    mutationFn: () => draft.flush(),
    onSuccess: (id) => id && toast('Draft saved.'),
  });

  const formId = useId();
  if (profiles.isPending || networks.isPending) return <Loading />;
  if (readOnly && initial) return <ReadOnlyPost data={{ post: initial.post, variants }} onChange={afterPublishAction} />;
  if (!mayDraft) return <p className="muted">Your role in {workspace.name} can read posts but not write them.</p>;

  const toggle = (profileId: string) => {
    const on = content.profileIds.includes(profileId);
    const overrides = { ...content.overrides };
    const variantMedia = { ...content.variantMedia };
    if (on) delete overrides[profileId];
    if (on) delete variantMedia[profileId];
    change({ profileIds: on ? content.profileIds.filter((id) => id !== profileId) : [...content.profileIds, profileId], overrides, variantMedia });
  };
  const customize = (profileId: string, on: boolean) => {
    const overrides = { ...content.overrides };
    const variantMedia = { ...content.variantMedia };
    if (on) overrides[profileId] = content.text;
    else delete overrides[profileId];
    // Back to the shared text means back to the shared media too.
    if (!on) delete variantMedia[profileId];
    change({ overrides, variantMedia });
  };
  const busy = schedule.isPending || unschedule.isPending || submit.isPending;
  const canAct = selected.length > 0 && !busy;

  return (
    <div className="composer">
      <div className="composer__editor card">
        <div className="card__body">
          <fieldset className="form__plain">
            <legend className="composer__label">Publish to</legend>
            {connected.length === 0 ? (
              <p className="muted">No profiles are connected.</p>
            ) : (
              <ul className="profile-picker">
                {connected.map((profile) => {
                  const on = content.profileIds.includes(profile.id);
                  return (
                    <li key={profile.id}>
                      <button
                        type="button"
                        className={`profile-chip${on ? ' profile-chip--on' : ''}`}
                        aria-pressed={on}
                        onClick={() => toggle(profile.id)}
                        title={profile.status === 'needs_reconnect' ? `${profile.handle} needs reconnecting` : undefined}
                      >
                        <NetworkIcon network={profile.network} size={18} />
                        <span className="profile-chip__handle">@{profile.handle}</span>
                        <span className="visually-hidden"> on {networkOf(profile)?.displayName ?? profile.network}</span>
                        {profile.status === 'needs_reconnect' && <span className="badge badge--danger">Reconnect</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </fieldset>

          <div className="field">
            <label htmlFor={`${formId}-text`} className="composer__label">
              Text
            </label>
            <ComposeTextarea
              id={`${formId}-text`}
              className="composer__text"
              rows={7}
              value={content.text}
              placeholder="What do you want to share?"
              onChange={(text) => change({ text })}
              workspaceId={workspace.id}
              profiles={selected}
              label="the shared text"
            />
          </div>

          <AttachedMedia workspace={workspace} mediaIds={content.mediaIds ?? []} onChange={(mediaIds) => change({ mediaIds })} variants={variants} />

          {selected.length > 0 && (
            <ul className="variant-list" aria-label="Per profile">
              {selected.map((profile) => {
                const info = networkOf(profile);
                const text = textFor(profile.id);
                const tailored = profile.id in content.overrides;
                const problems: Problem[] = [...(checks[profile.id] ?? []), ...(serverProblems[profile.id] ?? []).filter((p) => !(checks[profile.id] ?? []).some((c) => c.message === p.message))]
                  // The live check reads the text alone: attached media make a post without text fine.
                  .filter((p) => !(p.code === 'empty' && mediaFor(profile.id).length));
                const variant = variants.find((v) => v.profileId === profile.id);
                return (
                  <li key={profile.id} className={`variant${problems.length ? ' variant--invalid' : ''}`}>
                    <div className="variant__head">
                      <ProfileAvatar network={profile.network} handle={profile.handle} avatarUrl={profile.avatarUrl} size={28} />
                      <span className="variant__handle">
                        @{profile.handle}
                        <span className="muted"> · {info?.displayName ?? profile.network}</span>
                      </span>
                      {info && <Counter info={info} text={text} count={count} handle={profile.handle} />}
                      <button type="button" className="button button--small" aria-expanded={tailored} onClick={() => customize(profile.id, !tailored)}>
                        {tailored ? 'Use the shared text' : `Customize for @${profile.handle}`}
                      </button>
                    </div>
                    {variant && variant.status !== 'draft' && <PostStatus variant={variant} zone={zone} />}
                    {variant?.status === 'needs_attention' && <ResolveActions variantId={variant.id} handle={profile.handle} onDone={afterPublishAction} />}
                    {tailored && (
                      <div className="field">
                        <label htmlFor={`${formId}-${profile.id}`}>Text for @{profile.handle}</label>
                        <ComposeTextarea
                          id={`${formId}-${profile.id}`}
                          className="composer__text composer__text--variant"
                          rows={4}
                          value={content.overrides[profile.id] ?? ''}
                          onChange={(text) => change({ overrides: { ...content.overrides, [profile.id]: text } })}
                          workspaceId={workspace.id}
                          profiles={[profile]}
                          label={`@${profile.handle}'s text`}
                        />
                        <p className="field__hint">Only @{profile.handle} gets this text; changes to the shared text no longer reach it.</p>
                        <VariantMedia
                          workspace={workspace}
                          handle={profile.handle}
                          own={content.variantMedia?.[profile.id] ?? null}
                          shared={content.mediaIds ?? []}
                          max={info?.limits.media.maxCount ?? 4}
                          onChange={(own) => {
                            const variantMedia = { ...content.variantMedia };
                            if (own) variantMedia[profile.id] = own;
                            else delete variantMedia[profile.id];
                            change({ variantMedia });
                          }}
                        />
                      </div>
                    )}
                    {problems.length > 0 && (
                      <ul className="variant__problems" aria-label={`Problems for @${profile.handle}`}>
                        {problems.map((p, i) => (
                          <li key={i}>
                            <strong>{info?.displayName ?? profile.network}:</strong> {p.message}
                          </li>
                        ))}
                      </ul>
                    )}
                    {profile.status === 'needs_reconnect' && (
                      <p className="variant__warning">
                        @{profile.handle} must be reconnected before it can publish. <Link to={`/w/${workspace.id}/settings/profiles`}>Social profiles</Link>
                      </p>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <ComplianceNotes result={compliance} profiles={selected} />

          <div className="form--inline composer__meta">
            <div className="field">
              <label htmlFor={`${formId}-campaign`}>Campaign</label>
              <select id={`${formId}-campaign`} value={content.campaignId} onChange={(event) => change({ campaignId: event.target.value })}>
                <option value="">No campaign</option>
                {campaigns.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <TagInput tags={content.tags} onChange={(tags) => change({ tags })} />
          </div>

          {mayDraft && (
            <fieldset className="form__plain composer__when">
              <legend className="composer__label">When</legend>
              <div className="composer__when-row">
                <div className="field">
                  <label htmlFor={`${formId}-day`}>Date</label>
                  <input id={`${formId}-day`} type="date" value={day} min={DateTime.now().setZone(zone).toISODate() ?? undefined} onChange={(event) => setDay(event.target.value)} />
                </div>
                <div className="field">
                  <label htmlFor={`${formId}-time`}>Time</label>
                  <input id={`${formId}-time`} type="time" value={time} onChange={(event) => setTime(event.target.value)} />
                </div>
                <p className="composer__zone muted small">{zoneLabel(zone)}</p>
              </div>
              {new Set(scheduled.map((v) => v.scheduledAt)).size > 1 && (
                <p className="field__hint">The profiles are scheduled at different times; rescheduling puts all of them at this time.</p>
              )}
              <RepeatControl value={content.repeat ?? null} onChange={(repeat) => change({ repeat })} />
            </fieldset>
          )}

          <FormError error={schedule.error ?? submit.error ?? unschedule.error ?? (draft.state === 'error' ? draft.error : null)} />
          <div className="composer__actions">
            <SaveStatus state={draft.state} />
            {draft.postId && (
              <button type="button" className="button button--ghost-danger" disabled={busy} onClick={() => setDeleting(true)}>
                Delete
              </button>
            )}
            <button type="button" className="button" disabled={!canAct || saveDraft.isPending} onClick={() => saveDraft.mutate()}>
              Save draft
            </button>
            {maySchedule && scheduled.length > 0 && (
              <button type="button" className="button" disabled={busy} onClick={() => unschedule.mutate()}>
                Unschedule
              </button>
            )}
            {maySchedule && (
              <>
                <AddToQueueButton
                  postId={draft.postId}
                  disabled={!canAct}
                  beforeQueue={draft.flush}
                  onQueued={(saved) => {
                    afterPublishAction(saved);
                    const first = saved.variants.map((v) => v.scheduledAt).filter(Boolean).sort()[0];
                    navigate(`/w/${workspace.id}/publish/calendar${first ? `?date=${DateTime.fromISO(first, { zone }).toISODate()}` : ''}`);
                  }}
                />
                <button type="button" className="button" disabled={!canAct || !day || !time} onClick={() => schedule.mutate('later')}>
                  {schedule.isPending && schedule.variables === 'later' ? 'Scheduling…' : scheduled.length ? 'Reschedule' : 'Schedule'}
                </button>
                <button type="button" className="button button--primary" disabled={!canAct} onClick={() => schedule.mutate('now')}>
                  {schedule.isPending && schedule.variables === 'now' ? 'Publishing…' : 'Publish now'}
                </button>
              </>
            )}
            {!maySchedule && (
              <button type="button" className="button button--primary" disabled={!canAct || !day || !time} onClick={() => submit.mutate(localTime(day, time))}>
                {submit.isPending ? 'Submitting…' : 'Submit for approval'}
              </button>
            )}
          </div>
          {!maySchedule && <p className="muted small">Your role writes posts; submitting one sends it for approval, and it is scheduled at this time once approved.</p>}
          {draft.postId && <ApprovalPanel postId={draft.postId} onChange={afterPublishAction} />}
          {draft.postId && <PostNotes postId={draft.postId} />}
          <ConfirmDialog
            open={deleting}
            title="Delete post"
            message={<p>{scheduled.length ? 'Delete this post? Its scheduled publications are cancelled.' : 'Delete this draft?'} This cannot be undone.</p>}
            confirmLabel="Delete post"
            busy={remove.isPending}
            error={<FormError error={remove.error} />}
            onConfirm={() => {
              draft.discard();
              remove.mutate();
            }}
            onClose={() => {
              setDeleting(false);
              remove.reset();
            }}
          />
        </div>
      </div>

      <aside className="composer__previews" aria-label="Previews">
        <h2 className="composer__label">Preview</h2>
        {selected.length === 0 ? (
          <p className="muted">Pick a profile to see how the post will look there.</p>
        ) : (
          selected.map((profile) => <ComposerPreview key={profile.id} workspaceId={workspace.id} profile={profile} text={textFor(profile.id)} mediaIds={mediaFor(profile.id)} />)
        )}
      </aside>
    </div>
  );
}

function Counter({ info, text, count, handle }: { info: NetworkInfo; text: string; count: ReturnType<typeof useTextCounter>; handle: string }) {
  const { maxLength, counting } = info.limits.text;
  if (!count) return <span className="counter" />;
  const length = count(text, counting);
  const over = length > maxLength;
  const near = !over && length > maxLength * 0.9;
  return (
    <span className={`counter${over ? ' counter--over' : near ? ' counter--near' : ''}`} aria-label={`@${handle}: ${length} of ${maxLength} characters`}>
      {length}/{maxLength}
    </span>
  );
}

function SaveStatus({ state }: { state: ReturnType<typeof useDraft>['state'] }) {
  const label = {
    idle: '',
    waiting: 'Unsaved changes',
    saving: 'Saving…',
    saved: 'Saved',
    error: 'Not saved',
    'needs-profile': 'Pick a profile to save a draft',
  }[state];
  return (
    <span className={`save-status save-status--${state}`} role="status" aria-live="polite">
      {label}
    </span>
  );
}
