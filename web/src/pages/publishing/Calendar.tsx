import { useMemo, useState, type CSSProperties, type DragEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { DateTime } from 'luxon';
import { ApiError, post } from '../../api/client.ts';
import { can } from '../../api/session.ts';
import {
  calendarKey,
  calendarQueryKey,
  fetchCalendar,
  useCampaigns,
  useProfiles,
  type CalendarFilters,
  type CalendarItem,
  type VariantStatus,
} from '../../api/publishing.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FormError } from '../../components/FormError.tsx';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { Loading } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { dayOf, moveToDay, timeOf, zoneLabel } from '../../lib/zoned.ts';
import { useShell } from '../../shell/useWorkspace.ts';
import { ResolveActions, STATUS, StatusBadge } from './PostView.tsx';

type View = 'month' | 'week' | 'list';
const VIEWS: { id: View; label: string }[] = [
  { id: 'month', label: 'Month' },
  { id: 'week', label: 'Week' },
  { id: 'list', label: 'List' },
];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DRAG_TYPE = 'application/x-chorus-variant';

const when = (item: CalendarItem) => item.publishedAt ?? item.scheduledAt ?? '';

/** The content calendar: month, week and list views of what is scheduled, published or failed. */
export function Calendar() {
  const { workspace } = useShell();
  const zone = workspace.timezone;
  const [params, setParams] = useSearchParams();
  // Phones start on the list: a month of tiny cells is hard to read and to tap.
  const [narrow] = useState(() => window.matchMedia('(max-width: 640px)').matches);
  const defaultView: View = narrow ? 'list' : 'month';
  const view = (VIEWS.some((v) => v.id === params.get('view')) ? params.get('view') : defaultView) as View;
  const todayDate = DateTime.now().setZone(zone).startOf('day');
  const anchorParam = params.get('date');
  const anchor = anchorParam && DateTime.fromISO(anchorParam, { zone }).isValid ? DateTime.fromISO(anchorParam, { zone }).startOf('day') : todayDate;
  const filters: CalendarFilters = {
    profileId: params.get('profile') ?? undefined,
    campaignId: params.get('campaign') ?? undefined,
    tag: params.get('tag') ?? undefined,
    status: (params.get('status') as VariantStatus | null) ?? undefined,
  };
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };

  // The window shown: whole weeks (Monday first) around the month, one week, or the month for the list.
  const anchorDay = anchor.toISODate()!;
  const range = useMemo(() => {
    const day = DateTime.fromISO(anchorDay, { zone });
    if (view === 'week') {
      const start = day.startOf('week');
      return { start, end: start.plus({ days: 7 }) };
    }
    const first = day.startOf('month');
    if (view === 'list') return { start: first, end: first.plus({ months: 1 }) };
    return { start: first.startOf('week'), end: first.endOf('month').endOf('week').plus({ milliseconds: 1 }).startOf('day') };
  }, [view, anchorDay, zone]);
  const from = range.start.toUTC().toISO()!;
  const to = range.end.toUTC().toISO()!;
  const key = calendarQueryKey(workspace.id, from, to, filters);
  const items = useQuery({
    queryKey: key,
    queryFn: () => fetchCalendar(workspace.id, from, to, filters),
    placeholderData: keepPreviousData,
    // While something is going out, follow it until it is published or failed.
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === 'publishing' || (i.status === 'scheduled' && new Date(i.scheduledAt!).getTime() < Date.now() + 60_000)) ? 3000 : false),
  });
  const profiles = useProfiles(workspace.id);
  const campaigns = useCampaigns(workspace.id);
  const client = useQueryClient();
  const toast = useToast();
  const maySchedule = can(workspace, 'posts.schedule');
  const [moving, setMoving] = useState<CalendarItem | null>(null);

  const move = useMutation({
    mutationFn: ({ item, day }: { item: CalendarItem; day: string }) =>
      post(`/workspaces/${workspace.id}/variants/${item.variantId}/reschedule`, { when: { localTime: moveToDay(item.scheduledAt!, day, zone) } }),
    // Move it at once; put it back if the server says no.
    onMutate: async ({ item, day }) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<CalendarItem[]>(key);
      const at = DateTime.fromISO(moveToDay(item.scheduledAt!, day, zone), { zone }).toUTC().toISO();
      client.setQueryData<CalendarItem[]>(key, (all) => all?.map((i) => (i.variantId === item.variantId ? { ...i, scheduledAt: at } : i)));
      return { before };
    },
    onError: (error, { item }, context) => {
      if (context?.before) client.setQueryData(key, context.before);
      toast(`@${item.handle}’s post could not be moved: ${error instanceof ApiError ? error.message : 'try again.'}`, 'error');
    },
    onSuccess: (_data, { item, day }) => {
      setMoving(null);
      toast(`Moved @${item.handle}’s post to ${DateTime.fromISO(day).toFormat('cccc d LLLL')}.`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: calendarKey(workspace.id) }),
  });

  const byDay = useMemo(() => {
    const map = new Map<string, CalendarItem[]>();
    for (const item of items.data ?? []) {
      const day = dayOf(when(item), zone);
      map.set(day, [...(map.get(day) ?? []), item]);
    }
    for (const list of map.values()) list.sort((a, b) => when(a).localeCompare(when(b)));
    return map;
  }, [items.data, zone]);

  const days: DateTime[] = [];
  for (let d = range.start; d < range.end; d = d.plus({ days: 1 })) days.push(d);
  const step = view === 'week' ? { weeks: 1 } : { months: 1 };
  const title =
    view === 'week'
      ? `${range.start.toFormat('d LLL')} – ${range.end.minus({ days: 1 }).toFormat('d LLL yyyy')}`
      : anchor.toFormat('LLLL yyyy');

  const drop = (event: DragEvent, day: string) => {
    event.preventDefault();
    (event.currentTarget as HTMLElement).classList.remove('cal-day--over');
    const id = event.dataTransfer.getData(DRAG_TYPE);
    const item = items.data?.find((i) => i.variantId === id);
    if (!item || item.status !== 'scheduled' || dayOf(item.scheduledAt!, zone) === day) return;
    move.mutate({ item, day });
  };
  const dropTarget = (day: string) =>
    maySchedule
      ? {
          onDragOver: (event: DragEvent) => {
            if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
            event.preventDefault();
            event.dataTransfer.dropEffect = 'move';
            (event.currentTarget as HTMLElement).classList.add('cal-day--over');
          },
          onDragLeave: (event: DragEvent) => (event.currentTarget as HTMLElement).classList.remove('cal-day--over'),
          onDrop: (event: DragEvent) => drop(event, day),
        }
      : {};
  const chip = (item: CalendarItem, long = false) => (
    <CalendarChip key={item.variantId} item={item} zone={zone} long={long} draggable={maySchedule && item.status === 'scheduled'} onMove={() => setMoving(item)} />
  );

  return (
    <div className="stack calendar">
      <div className="cal-toolbar">
        <div className="cal-toolbar__nav">
          <button type="button" className="button button--small" onClick={() => set({ date: null })}>
            Today
          </button>
          <button type="button" className="icon-button" aria-label={`Previous ${view === 'week' ? 'week' : 'month'}`} onClick={() => set({ date: anchor.minus(step).toISODate() })}>
            <span aria-hidden="true">‹</span>
          </button>
          <button type="button" className="icon-button" aria-label={`Next ${view === 'week' ? 'week' : 'month'}`} onClick={() => set({ date: anchor.plus(step).toISODate() })}>
            <span aria-hidden="true">›</span>
          </button>
          <h2 className="cal-toolbar__title" aria-live="polite">
            {title}
          </h2>
          {items.isFetching && <span className="spinner" aria-label="Loading" />}
        </div>
        <div className="segmented" role="group" aria-label="View">
          {VIEWS.map((v) => (
            <button key={v.id} type="button" className="segmented__option" aria-pressed={view === v.id} onClick={() => set({ view: v.id === defaultView ? null : v.id })}>
              {v.label}
            </button>
          ))}
        </div>
      </div>

      <div className="filters cal-filters" role="search" aria-label="Filter posts">
        <div className="field">
          <label htmlFor="cal-profile">Profile</label>
          <select id="cal-profile" value={filters.profileId ?? ''} onChange={(e) => set({ profile: e.target.value })}>
            <option value="">All profiles</option>
            {profiles.data?.map((p) => (
              <option key={p.id} value={p.id}>
                @{p.handle} ({networkName(p.network)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cal-campaign">Campaign</label>
          <select id="cal-campaign" value={filters.campaignId ?? ''} onChange={(e) => set({ campaign: e.target.value })}>
            <option value="">All campaigns</option>
            {campaigns.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cal-tag">Tag</label>
          <input id="cal-tag" type="text" value={filters.tag ?? ''} placeholder="Any tag" onChange={(e) => set({ tag: e.target.value.trim().replace(/^#/, '') })} />
        </div>
        <div className="field">
          <label htmlFor="cal-status">Status</label>
          <select id="cal-status" value={filters.status ?? ''} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any status</option>
            {(['scheduled', 'published', 'failed', 'needs_attention', 'publishing'] as VariantStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS[s].label}
              </option>
            ))}
          </select>
        </div>
      </div>

      {items.isError && <FormError error={items.error} />}
      {items.isPending && <Loading />}
      {items.data && view === 'month' && (
        <section className="cal-month" aria-label={`Month of ${title}`}>
          <div className="cal-month__head" aria-hidden="true">
            {WEEKDAYS.map((d) => (
              <span key={d}>{d}</span>
            ))}
          </div>
          <div className="cal-month__body">
            {days.map((d) => {
              const day = d.toISODate()!;
              const list = byDay.get(day) ?? [];
              return (
                <div
                  key={day}
                  role="group"
                  data-day={day}
                  aria-label={d.toFormat('cccc d LLLL')}
                  className={`cal-day${d.month !== anchor.month ? ' cal-day--outside' : ''}${day === todayDate.toISODate() ? ' cal-day--today' : ''}${d < todayDate ? ' cal-day--past' : ''}`}
                  {...dropTarget(day)}
                >
                  <span className="cal-day__number">{d.day}</span>
                  <ul className="cal-day__items">{list.map((item) => chip(item))}</ul>
                </div>
              );
            })}
          </div>
        </section>
      )}
      {items.data && view === 'week' && (
        <section className="cal-week" aria-label={`Week of ${title}`}>
          {days.map((d) => {
            const day = d.toISODate()!;
            const list = byDay.get(day) ?? [];
            return (
              <div
                key={day}
                role="group"
                data-day={day}
                aria-label={d.toFormat('cccc d LLLL')}
                className={`cal-day cal-day--week${day === todayDate.toISODate() ? ' cal-day--today' : ''}${d < todayDate ? ' cal-day--past' : ''}`}
                {...dropTarget(day)}
              >
                <span className="cal-day__heading">
                  <span className="cal-day__weekday">{d.toFormat('ccc')}</span> <span className="cal-day__number">{d.day}</span>
                </span>
                <ul className="cal-day__items">{list.length ? list.map((item) => chip(item, true)) : <li className="cal-day__empty">Nothing planned</li>}</ul>
              </div>
            );
          })}
        </section>
      )}
      {items.data && view === 'list' && <CalendarList byDay={byDay} zone={zone} onMove={setMoving} maySchedule={maySchedule} />}
      <p className="muted small">
        Times in {zoneLabel(zone)}.{maySchedule && ' Drag a scheduled post to another day to move it; it keeps its time. Or use its Move button.'}
      </p>

      {moving && <MoveDialog item={moving} zone={zone} busy={move.isPending} error={move.error} onClose={() => { setMoving(null); move.reset(); }} onMove={(day) => move.mutate({ item: moving, day })} />}
    </div>
  );
}

function CalendarChip({ item, zone, long, draggable, onMove }: { item: CalendarItem; zone: string; long: boolean; draggable: boolean; onMove: () => void }) {
  const { workspace } = useShell();
  const time = timeOf(when(item), zone);
  const color = item.campaignColor ?? 'var(--border-strong)';
  return (
    <li
      className={`cal-item cal-item--${item.status}${long ? ' cal-item--long' : ''}`}
      style={{ borderLeftColor: color, ...(item.campaignColor ? { '--campaign': item.campaignColor } : {}) } as CSSProperties}
      data-variant={item.variantId}
    >
      <Link
        to={`/w/${workspace.id}/publish/posts/${item.postId}`}
        className="cal-item__link"
        draggable={draggable}
        onDragStart={(event) => {
          event.dataTransfer.setData(DRAG_TYPE, item.variantId);
          event.dataTransfer.effectAllowed = 'move';
        }}
        title={item.lastError ?? item.text}
      >
        <span className="cal-item__line">
          <span className="cal-item__time">{time}</span>
          <NetworkIcon network={item.network} size={14} />
          <span className="cal-item__handle">@{item.handle}</span>
          <StatusMark status={item.status} />
        </span>
        <span className="cal-item__text">{item.text || '(no text)'}</span>
        {long && item.campaignName && <span className="cal-item__campaign">{item.campaignName}</span>}
        {long && item.lastError && <span className="cal-item__error">{item.lastError}</span>}
        <span className="visually-hidden">
          {' '}
          on {networkName(item.network)}, {STATUS[item.status].label}
          {item.campaignName ? `, campaign ${item.campaignName}` : ''}
        </span>
      </Link>
      {draggable && (
        <button type="button" className="cal-item__move" onClick={onMove} aria-label={`Move @${item.handle}’s post at ${time} to another day`}>
          Move
        </button>
      )}
    </li>
  );
}

function StatusMark({ status }: { status: VariantStatus }) {
  if (status === 'scheduled' || status === 'draft') return null;
  const mark = { published: '✓', failed: '!', needs_attention: '?', publishing: '…', pending_approval: '⏳' }[status];
  return (
    <span className={`cal-item__status cal-item__status--${status}`} aria-hidden="true" title={STATUS[status].label}>
      {mark}
    </span>
  );
}

function CalendarList({ byDay, zone, onMove, maySchedule }: { byDay: Map<string, CalendarItem[]>; zone: string; onMove: (item: CalendarItem) => void; maySchedule: boolean }) {
  const { workspace } = useShell();
  const client = useQueryClient();
  const days = [...byDay.keys()].sort();
  if (days.length === 0) return <p className="card card__body muted">Nothing scheduled or published in this month.</p>;
  return (
    <div className="card">
      <div className="card__body cal-list">
        {days.map((day) => (
          <section key={day} className="cal-list__day" aria-label={DateTime.fromISO(day).toFormat('cccc d LLLL')}>
            <h3>{DateTime.fromISO(day).toFormat('cccc d LLLL')}</h3>
            <ul className="cal-list__items">
              {byDay.get(day)!.map((item) => (
                <li key={item.variantId} className="cal-list__item" style={{ borderLeftColor: item.campaignColor ?? 'var(--border-strong)' }}>
                  <span className="cal-list__time">{timeOf(when(item), zone)}</span>
                  <div className="cal-list__main">
                    <div className="cal-list__head">
                      <NetworkIcon network={item.network} size={18} />
                      <span className="variant__handle">@{item.handle}</span>
                      <StatusBadge status={item.status} />
                      {item.campaignName && (
                        <span className="campaign-tag">
                          <span className="swatch" style={{ background: item.campaignColor ?? undefined }} aria-hidden="true" />
                          {item.campaignName}
                        </span>
                      )}
                    </div>
                    <Link to={`/w/${workspace.id}/publish/posts/${item.postId}`} className="cal-list__text">
                      {item.text || '(no text)'}
                    </Link>
                    {item.lastError && <p className="post-status__error">{item.lastError}</p>}
                    {item.remoteUrl && (
                      <a href={item.remoteUrl} target="_blank" rel="noreferrer" className="small">
                        View on {networkName(item.network)}
                      </a>
                    )}
                    {item.status === 'needs_attention' && (
                      <ResolveActions variantId={item.variantId} handle={item.handle} onDone={() => client.invalidateQueries({ queryKey: calendarKey(workspace.id) })} />
                    )}
                  </div>
                  {maySchedule && item.status === 'scheduled' && (
                    <button type="button" className="button button--small" onClick={() => onMove(item)}>
                      Move<span className="visually-hidden"> @{item.handle}’s post</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}

/** The keyboard way to reschedule: pick another day; the time of day stays. */
function MoveDialog({ item, zone, busy, error, onClose, onMove }: { item: CalendarItem; zone: string; busy: boolean; error: unknown; onClose: () => void; onMove: (day: string) => void }) {
  const current = dayOf(item.scheduledAt!, zone);
  const [day, setDay] = useState(current);
  return (
    <Dialog open title="Move post" onClose={onClose} description={<p>Move @{item.handle}’s post to another day. It keeps its time, {timeOf(item.scheduledAt!, zone)} ({zoneLabel(zone)}).</p>}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (day && day !== current) onMove(day);
        }}
      >
        <div className="field">
          <label htmlFor="move-day">Move to…</label>
          <input id="move-day" type="date" value={day} onChange={(event) => setDay(event.target.value)} required />
        </div>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !day || day === current}>
            {busy ? 'Moving…' : 'Move'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
