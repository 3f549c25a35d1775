import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { isOrgAdmin, useSession, useSignOut } from '../api/session.ts';
import { NewWorkspaceDialog } from '../shell/NewWorkspaceDialog.tsx';

/** Signed in, but not a member of any workspace (yet, or any more). */
export function NoWorkspace() {
  const { data: session } = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <main className="full-page-center" id="main">
      <div className="empty-state">
        <h1>No workspace yet</h1>
        <p className="empty-state__text">
          {isOrgAdmin(session)
            ? 'Create a workspace for a brand, region or client to get started.'
            : 'You are not a member of any workspace. Ask an admin of your organisation to add you to one.'}
        </p>
        <div className="form-actions form-actions--center">
          {isOrgAdmin(session) && (
            <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
              New workspace
            </button>
          )}
          <button type="button" className="button" onClick={() => signOut().finally(() => navigate('/login'))}>
            Sign out
          </button>
        </div>
      </div>
      <NewWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </main>
  );
}
