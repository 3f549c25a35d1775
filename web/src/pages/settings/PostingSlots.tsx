import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get, put } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import { useProfiles, type SocialProfile } from '../../api/publishing.ts';
import { FormError } from '../../components/FormError.tsx';
import { ProfileAvatar, networkName } from '../../components/NetworkIcon.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { useShell } from '../../shell/useWorkspace.ts';

export interface Slot {
  weekday: number;
  time: string;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const slotsKey = (workspaceId: string, profileId: string) => ['slots', workspaceId, profileId] as const;
const sortSlots = (slots: Slot[]) => [...slots].sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time));

/** Settings → Posting slots: the weekly times each profile's queue fills. */
export function PostingSlots() {
  const { workspace } = useShell();
  const profiles = useProfiles(workspace.id);
  const [chosen, setChosen] = useState<string>('');
  const profile = profiles.data?.find((p) => p.id === chosen) ?? profiles.data?.[0];
  return (
    <Section
      title="Posting slots"
      description={
        <>
          “Add to queue” puts a post in its profile’s next free slot. Times are in the workspace’s time zone, <strong>{workspace.timezone.replace(/_/g, ' ')}</strong>, and
          stay at the same clock time across daylight-saving changes.
        </>
      }
    >
      {profiles.isPending && <Loading />}
      {profiles.isError && <FormError error={profiles.error} />}
      {profiles.data?.length === 0 && (
        <EmptyState title="No profiles yet">
          <p>
            Connect a profile in <Link to="../profiles">Social profiles</Link> to give it posting slots.
          </p>
        </EmptyState>
      )}
      {profile && profiles.data && (
        <>
          <div className="field slots__profile">
            <label htmlFor="slots-profile">Profile</label>
            <select id="slots-profile" value={profile.id} onChange={(e) => setChosen(e.target.value)}>
              {profiles.data.map((p) => (
                <option key={p.id} value={p.id}>
                  @{p.handle} ({networkName(p.network)})
                </option>
              ))}
            </select>
          </div>
          <SlotEditor key={profile.id} profile={profile} />
        </>
      )}
    </Section>
  );
}

function SlotEditor({ profile }: { profile: SocialProfile }) {
  const { workspace } = useShell();
  const editable = can(workspace, 'posts.schedule');
  const client = useQueryClient();
  const toast = useToast();
  const saved = useQuery({
    queryKey: slotsKey(workspace.id, profile.id),
    queryFn: async () => (await get<{ slots: Slot[] }>(`/workspaces/${workspace.id}/profiles/${profile.id}/slots`)).slots,
  });
  const [slots, setSlots] = useState<Slot[] | null>(null);
  useEffect(() => {
    if (saved.data && slots === null) setSlots(saved.data);
  }, [saved.data, slots]);
  const [adding, setAdding] = useState<Record<number, string>>({});
  const save = useMutation({
    mutationFn: (next: Slot[]) => put<{ slots: Slot[] }>(`/workspaces/${workspace.id}/profiles/${profile.id}/slots`, { slots: next }),
    onSuccess: ({ slots: stored }) => {
      client.setQueryData(slotsKey(workspace.id, profile.id), stored);
      setSlots(stored);
      toast(`Posting slots of @${profile.handle} saved.`);
    },
  });
  if (saved.isPending || !slots) return saved.isError ? <FormError error={saved.error} /> : <Loading />;
  const dirty = JSON.stringify(sortSlots(slots)) !== JSON.stringify(sortSlots(saved.data ?? []));
  const addTime = (weekday: number) => {
    const time = adding[weekday];
    if (!time) return;
    if (!slots.some((s) => s.weekday === weekday && s.time === time)) setSlots(sortSlots([...slots, { weekday, time }]));
    setAdding((a) => ({ ...a, [weekday]: '' }));
  };
  const copyToWeekdays = (weekday: number) => {
    const times = slots.filter((s) => s.weekday === weekday).map((s) => s.time);
    const rest = slots.filter((s) => s.weekday > 5 || s.weekday === weekday);
    const copies = [1, 2, 3, 4, 5].filter((d) => d !== weekday).flatMap((d) => times.map((time) => ({ weekday: d, time })));
    setSlots(sortSlots([...rest, ...copies]));
  };

  return (
    <div className="slots">
      <div className="slots__who">
        <ProfileAvatar network={profile.network} handle={profile.handle} avatarUrl={profile.avatarUrl} size={32} />
        <span>
          <strong>@{profile.handle}</strong>
          <span className="muted small"> · {slots.length === 1 ? '1 slot' : `${slots.length} slots`} a week</span>
        </span>
      </div>
      <ul className="slots__week" aria-label={`Posting slots of @${profile.handle}`}>
        {WEEKDAYS.map((name, index) => {
          const weekday = index + 1;
          const times = slots.filter((s) => s.weekday === weekday);
          return (
            <li key={name} className="slots__day" aria-label={name}>
              <h3 className="slots__day-name">
                <span className="slots__long">{name}</span>
                <span className="slots__short" aria-hidden="true">
                  {name.slice(0, 3)}
                </span>
              </h3>
              <ul className="slots__times">
                {times.length === 0 && <li className="muted small">No slots</li>}
                {times.map((s) => (
                  <li key={s.time} className="slot">
                    <span className="slot__time">{s.time}</span>
                    {editable && (
                      <button
                        type="button"
                        className="slot__remove"
                        aria-label={`Remove ${name} ${s.time}`}
                        onClick={() => setSlots(slots.filter((x) => !(x.weekday === weekday && x.time === s.time)))}
                      >
                        <span aria-hidden="true">×</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {editable && (
                <form
                  className="slots__add"
                  onSubmit={(event) => {
                    event.preventDefault();
                    addTime(weekday);
                  }}
                >
                  <input type="time" aria-label={`New time on ${name}`} value={adding[weekday] ?? ''} onChange={(e) => setAdding((a) => ({ ...a, [weekday]: e.target.value }))} />
                  <button type="submit" className="button button--small" disabled={!adding[weekday]} aria-label={`Add time on ${name}`}>
                    Add
                  </button>
                </form>
              )}
              {editable && weekday <= 5 && times.length > 0 && (
                <button type="button" className="link-button small slots__copy" onClick={() => copyToWeekdays(weekday)}>
                  Copy to all weekdays
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <FormError error={save.error} />
      {editable ? (
        <div className="form-actions form-actions--start">
          <button type="button" className="button button--primary" disabled={!dirty || save.isPending} onClick={() => save.mutate(slots)}>
            {save.isPending ? 'Saving…' : 'Save slots'}
          </button>
          {dirty && (
            <button type="button" className="button" onClick={() => setSlots(saved.data ?? [])}>
              Discard changes
            </button>
          )}
        </div>
      ) : (
        <p className="muted small">Publishers and admins set posting slots.</p>
      )}
    </div>
  );
}
