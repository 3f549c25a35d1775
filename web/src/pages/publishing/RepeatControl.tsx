import { useId } from 'react';

export interface RepeatRule {
  every: 'day' | 'week' | 'month';
  interval: number;
  until?: string;
  count?: number;
}

const UNITS = { day: ['day', 'days'], week: ['week', 'weeks'], month: ['month', 'months'] } as const;

/** "Repeat": none, or every N days/weeks/months, ending on a date, after a count, or never. */
export function RepeatControl({ value, onChange, disabled }: { value: RepeatRule | null; onChange: (rule: RepeatRule | null) => void; disabled?: boolean }) {
  const id = useId();
  const ends = value?.until ? 'until' : value?.count ? 'count' : 'never';
  const set = (change: Partial<RepeatRule>) => value && onChange({ ...value, ...change });
  return (
    <fieldset className="repeat form__plain" disabled={disabled}>
      <legend className="field-legend">Repeat</legend>
      <div className="repeat__row">
        <select
          aria-label="Repeat"
          value={value ? value.every : ''}
          onChange={(e) => onChange(e.target.value ? { every: e.target.value as RepeatRule['every'], interval: value?.interval ?? 1, ...(value?.until ? { until: value.until } : {}), ...(value?.count ? { count: value.count } : {}) } : null)}
        >
          <option value="">Does not repeat</option>
          <option value="day">Daily</option>
          <option value="week">Weekly</option>
          <option value="month">Monthly</option>
        </select>
        {value && (
          <>
            <label htmlFor={`${id}-n`}>every</label>
            <input
              id={`${id}-n`}
              type="number"
              className="repeat__number"
              min={1}
              max={365}
              value={value.interval}
              onChange={(e) => set({ interval: Math.max(1, Math.min(365, Number(e.target.value) || 1)) })}
            />
            <span>{UNITS[value.every][value.interval === 1 ? 0 : 1]}</span>
          </>
        )}
      </div>
      {value && (
        <div className="repeat__row">
          <select
            aria-label="Ends"
            value={ends}
            onChange={(e) => {
              const { until: _u, count: _c, ...rest } = value;
              onChange(e.target.value === 'until' ? { ...rest, until: '' } : e.target.value === 'count' ? { ...rest, count: 5 } : rest);
            }}
          >
            <option value="never">Never ends</option>
            <option value="until">Ends on a date</option>
            <option value="count">Ends after</option>
          </select>
          {ends === 'until' && <input type="date" aria-label="Last date" value={value.until ?? ''} onChange={(e) => set({ until: e.target.value })} />}
          {ends === 'count' && (
            <>
              <input type="number" aria-label="Number of posts" className="repeat__number" min={2} max={1000} value={value.count} onChange={(e) => set({ count: Math.max(2, Math.min(1000, Number(e.target.value) || 2)) })} />
              <span>posts</span>
            </>
          )}
        </div>
      )}
      {value && <p className="field__hint">Each next post is scheduled at the same time of day, once the one before it has gone out.</p>}
    </fieldset>
  );
}

/** The rule as the API takes it: an empty end date means none. */
export const repeatForApi = (rule: RepeatRule | null) => (rule ? { every: rule.every, interval: rule.interval, ...(rule.until ? { until: rule.until } : {}), ...(rule.count ? { count: rule.count } : {}) } : null);
