import { useInfiniteQuery } from '@tanstack/react-query';
import { get, query } from './client.ts';
import type { AuditPage } from './types.ts';

export interface AuditFilters {
  action?: string;
  actorUserId?: string;
  targetType?: string;
  /** ISO timestamps */
  from?: string;
  to?: string;
}

export const PAGE_SIZE = 50;

/** A workspace's audit log, newest first, one page at a time (keyset cursor `before`). */
export const useAuditLog = (workspaceId: string, filters: AuditFilters) =>
  useInfiniteQuery({
    queryKey: ['audit', workspaceId, filters],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      get<AuditPage>(`/workspaces/${workspaceId}/audit${query({ ...filters, before: pageParam, limit: PAGE_SIZE })}`),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });

export const KNOWN_ACTIONS = [
  'member.added',
  'member.removed',
  'member.role_changed',
  'team.created',
  'team.updated',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'workspace.created',
  'workspace.updated',
];

export const TARGET_TYPES = [
  { value: 'user', label: 'Member' },
  { value: 'team', label: 'Team' },
  { value: 'workspace', label: 'Workspace' },
];
