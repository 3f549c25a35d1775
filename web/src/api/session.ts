import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, setCsrfToken } from './client.ts';
import type { Permission, Session, Workspace } from './types.ts';

export const sessionKey = ['session'] as const;

/** The signed-in session, or null when nobody is signed in. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await get<Session>('/auth/session');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export const useSession = () => useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 60_000 });

export const useSetupStatus = (enabled = true) =>
  useQuery({ queryKey: ['setup'], queryFn: () => get<{ needsSetup: boolean }>('/setup'), enabled, staleTime: 30_000 });

/** Stores a session that sign-in, setup or an accepted invitation just returned. */
export function useAdoptSession() {
  const client = useQueryClient();
  return (session: Session) => {
    setCsrfToken(session.csrfToken);
    client.setQueryData(sessionKey, session);
    client.setQueryData(['setup'], { needsSetup: false });
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    try {
      await post('/auth/logout');
    } finally {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(sessionKey, null);
    }
  };
}

export const can = (workspace: Workspace | undefined, permission: Permission): boolean =>
  !!workspace && workspace.permissions.includes(permission);

export const isOrgAdmin = (session: Session | null | undefined): boolean =>
  session?.user.orgRole === 'owner' || session?.user.orgRole === 'admin';
