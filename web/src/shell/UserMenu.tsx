import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useSignOut } from '../api/session.ts';
import type { Session, Workspace } from '../api/types.ts';
import { useToast } from '../components/Toasts.tsx';
import { capitalise } from '../lib/format.ts';
import { SignOutIcon } from './icons.tsx';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('') || '?';

export function UserMenu({ session, workspace }: { session: Session; workspace: Workspace }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const { user } = session;
  return (
    <div className="user-card">
      <Link to={`/w/${workspace.id}/settings/account`} className="user-card__who" aria-label={`Your account: ${user.name}`}>
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="user-card__text">
          <span className="user-card__name">{user.name}</span>
          <span className="user-card__role" data-testid="current-role">
            {capitalise(workspace.role)}
          </span>
        </span>
      </Link>
      <button
        type="button"
        className="icon-button"
        aria-label="Sign out"
        title="Sign out"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await signOut();
          } catch {
            toast('Signed out on this device. The server could not be reached to end the session.', 'error');
          }
          navigate('/login', { replace: true });
        }}
      >
        <SignOutIcon />
      </button>
    </div>
  );
}
