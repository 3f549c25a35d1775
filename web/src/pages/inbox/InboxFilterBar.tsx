import { useEffect, useState } from 'react';
import { PRIORITY_LEVELS, STATUSES, type InboxFilters } from '../../api/inbox.ts';
import { EnumOptions } from './Options.tsx';

export const SEARCH_BOX_ID = 'inbox-search';

/** Full-text search and the filters that views do not cover on their own. */
export function InboxFilterBar({ filters, onChange }: { filters: InboxFilters; onChange: (filters: InboxFilters) => void }) {
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  const set = <K extends keyof InboxFilters>(key: K, value: InboxFilters[K] | '') => {
    const next = { ...filters };
    if (value) next[key] = value as InboxFilters[K];
    else delete next[key];
    onChange(next);
  };
  return (
    <div className="inbox-filters" role="group" aria-label="Filters">
      <form
        role="search"
        className="inbox-filters__search"
        onSubmit={(event) => {
          event.preventDefault();
          set('q', q.trim());
        }}
      >
        <label htmlFor={SEARCH_BOX_ID} className="visually-hidden">
          Search messages
        </label>
        <input id={SEARCH_BOX_ID} type="search" placeholder="Search messages (/)" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
      </form>
      <div className="inbox-filters__row">
        <select aria-label="Status" value={filters.status ?? ''} onChange={(e) => set('status', e.target.value as InboxFilters['status'])}>
          <option value="">Any status</option>
          <EnumOptions values={STATUSES} />
        </select>
        <select aria-label="Priority" value={filters.priority ?? ''} onChange={(e) => set('priority', e.target.value as InboxFilters['priority'])}>
          <option value="">Any priority</option>
          <EnumOptions values={PRIORITY_LEVELS} />
        </select>
        <select aria-label="Service level" value={filters.sla ?? ''} onChange={(e) => set('sla', e.target.value as InboxFilters['sla'])}>
          <option value="">Any SLA</option>
          <option value="nearing">Nearing breach</option>
          <option value="breached">Breached</option>
        </select>
        <select aria-label="Sort" value={filters.sort ?? 'recent'} onChange={(e) => set('sort', e.target.value === 'sla' ? 'sla' : '')}>
          <option value="recent">Newest first</option>
          <option value="sla">Most urgent first</option>
        </select>
      </div>
    </div>
  );
}
