import { useOutletContext } from 'react-router-dom';
import type { Session, Workspace } from '../api/types.ts';

export interface ShellContext {
  session: Session;
  workspace: Workspace;
}

/** The open workspace and session, for pages inside the app shell. */
export const useShell = () => useOutletContext<ShellContext>();
