import { FILTER_KEYS, type InboxFilters } from '../../api/inbox.ts';

/** The built-in views; `countKey` names their counts in GET …/inbox/counts. */
export const BUILT_IN_VIEWS: { id: string; label: string; filters: InboxFilters; countKey?: 'all' | 'mine' | 'myTeam' | 'unassigned' }[] = [
  { id: 'mine', label: 'Mine', filters: { assignee: 'me', status: 'open' }, countKey: 'mine' },
  { id: 'my-team', label: 'My team', filters: { team: 'mine', status: 'open' }, countKey: 'myTeam' },
  { id: 'unassigned', label: 'Unassigned', filters: { assignee: 'unassigned', status: 'open' }, countKey: 'unassigned' },
  { id: 'open', label: 'All open', filters: { status: 'open' }, countKey: 'all' },
  { id: 'nearing', label: 'Nearing SLA breach', filters: { sla: 'nearing', status: 'open' } },
];

export const DEFAULT_FILTERS: InboxFilters = { status: 'open' };

/** Filters from the page's query string; the conversation shown (`c`) is not a filter. */
export function filtersFrom(params: URLSearchParams): InboxFilters {
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  // No filter at all in the address: the open queue (an explicit `status=any` shows everything).
  if (Object.keys(filters).length === 0) return DEFAULT_FILTERS;
  if (filters.status === 'any') delete filters.status;
  return filters as InboxFilters;
}

/** The query string for some filters, keeping the open conversation. */
export function paramsFor(filters: InboxFilters, conversationId?: string | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = valueOf(filters, key);
    if (value) params.set(key, value);
  }
  if (!filters.status) params.set('status', 'any');
  if (conversationId) params.set('c', conversationId);
  return params;
}

/** Newest first is the default order, whether a view says so or not. */
const valueOf = (filters: InboxFilters, key: (typeof FILTER_KEYS)[number]) => (key === 'sort' && filters.sort === 'recent' ? '' : (filters[key] ?? ''));

export const sameFilters = (a: InboxFilters, b: InboxFilters): boolean => FILTER_KEYS.every((key) => valueOf(a, key) === valueOf(b, key));
