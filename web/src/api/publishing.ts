import { useQuery } from '@tanstack/react-query';
import { get, query } from './client.ts';
import type { Capability, ConnectorLimits, NetworkId } from '../../../src/connectors/connector.ts';
import type { PostApproval } from './approvals.ts';

export type { NetworkId, ConnectorLimits };

/** A network Chorus can connect to (GET /networks). */
export interface NetworkInfo {
  network: NetworkId;
  displayName: string;
  apiVersion: string;
  auth: 'oauth2' | 'app-password';
  capabilities: Capability[];
  limits: ConnectorLimits;
  redirectUri: string;
}

export interface SocialProfile {
  id: string;
  network: NetworkId;
  accountId: string;
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  profileUrl: string | null;
  serviceUrl: string | null;
  status: 'active' | 'needs_reconnect';
  statusReason: string | null;
  tokenExpiresAt: string | null;
  connectedAt: string;
  checkedAt: string | null;
}

export interface NetworkApp {
  network: string;
  instanceUrl: string | null;
  clientId: string;
  hasSecret: boolean;
  updatedAt: string;
}

export interface Problem {
  post: number;
  field: string;
  code: string;
  message: string;
}

export type VariantStatus = 'draft' | 'pending_approval' | 'scheduled' | 'publishing' | 'published' | 'failed' | 'needs_attention';

export interface Variant {
  id: string;
  profileId: string;
  network: NetworkId;
  handle: string;
  text: string;
  tailored: boolean;
  status: VariantStatus;
  scheduledAt: string | null;
  publishedAt: string | null;
  remoteUrl: string | null;
  lastError: string | null;
  attempts: number;
  problems: Problem[];
  /** The media this profile gets: its own, or the post's. */
  mediaIds: string[];
}

export interface Post {
  id: string;
  workspaceId: string;
  authorId: string | null;
  campaignId: string | null;
  text: string;
  tags: string[];
  mediaIds: string[];
  repeat: { every: 'day' | 'week' | 'month'; interval: number; until?: string; count?: number } | null;
  createdAt: string;
  updatedAt: string;
}

export interface PostWithVariants {
  post: Post;
  variants: Variant[];
  /** The post's current approval request, if it went through one. */
  approval?: PostApproval | null;
}

export interface Campaign {
  id: string;
  name: string;
  goal: string;
  color: string;
  startsOn: string | null;
  endsOn: string | null;
  createdAt: string;
}

export interface CalendarItem {
  variantId: string;
  postId: string;
  profileId: string;
  network: NetworkId;
  handle: string;
  text: string;
  status: VariantStatus;
  scheduledAt: string | null;
  publishedAt: string | null;
  remoteUrl: string | null;
  lastError: string | null;
  campaignId: string | null;
  campaignName: string | null;
  campaignColor: string | null;
  tags: string[];
  authorId: string | null;
}

export interface CalendarFilters {
  profileId?: string;
  campaignId?: string;
  tag?: string;
  status?: VariantStatus | '';
}

/** A 422 `post_invalid` answer lists the problems of each variant. */
export interface VariantProblem extends Problem {
  variantId: string;
  network: string;
  handle: string;
}

export const networksKey = ['networks'] as const;
export const profilesKey = (workspaceId: string) => ['profiles', workspaceId] as const;
export const campaignsKey = (workspaceId: string) => ['campaigns', workspaceId] as const;
export const postKey = (workspaceId: string, postId: string) => ['post', workspaceId, postId] as const;
export const calendarKey = (workspaceId: string) => ['calendar', workspaceId] as const;
export const networkAppsKey = ['network-apps'] as const;

export const useNetworks = () =>
  useQuery({ queryKey: networksKey, queryFn: async () => (await get<{ networks: NetworkInfo[] }>('/networks')).networks, staleTime: 5 * 60_000 });

export const useProfiles = (workspaceId: string) =>
  useQuery({
    queryKey: profilesKey(workspaceId),
    queryFn: async () => (await get<{ profiles: SocialProfile[] }>(`/workspaces/${workspaceId}/profiles`)).profiles,
  });

export const useCampaigns = (workspaceId: string) =>
  useQuery({
    queryKey: campaignsKey(workspaceId),
    queryFn: async () => (await get<{ campaigns: Campaign[] }>(`/workspaces/${workspaceId}/campaigns`)).campaigns,
  });

export const usePost = (workspaceId: string, postId: string | undefined) =>
  useQuery({
    queryKey: postKey(workspaceId, postId ?? ''),
    queryFn: () => get<PostWithVariants>(`/workspaces/${workspaceId}/posts/${postId}`),
    enabled: !!postId,
  });

export const calendarQueryKey = (workspaceId: string, from: string, to: string, filters: CalendarFilters) =>
  [...calendarKey(workspaceId), from, to, filters] as const;

export const fetchCalendar = async (workspaceId: string, from: string, to: string, filters: CalendarFilters) =>
  (await get<{ items: CalendarItem[] }>(`/workspaces/${workspaceId}/calendar${query({ from, to, ...filters })}`)).items;
