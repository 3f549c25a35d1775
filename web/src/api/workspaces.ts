import { useQuery } from '@tanstack/react-query';
import { get } from './client.ts';
import type { Member, Team } from './types.ts';

export const membersKey = (workspaceId: string) => ['members', workspaceId] as const;
export const teamsKey = (workspaceId: string) => ['teams', workspaceId] as const;

export const useMembers = (workspaceId: string) =>
  useQuery({
    queryKey: membersKey(workspaceId),
    queryFn: async () => (await get<{ members: Member[] }>(`/workspaces/${workspaceId}/members`)).members,
  });

export const useTeams = (workspaceId: string) =>
  useQuery({
    queryKey: teamsKey(workspaceId),
    queryFn: async () => (await get<{ teams: Team[] }>(`/workspaces/${workspaceId}/teams`)).teams,
  });
