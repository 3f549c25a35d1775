import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { isOrgAdmin } from '../api/session.ts';
import type { Session, Workspace } from '../api/types.ts';
import { capitalise } from '../lib/format.ts';
import { NewWorkspaceDialog } from './NewWorkspaceDialog.tsx';
import { CheckIcon, ChevronIcon, PlusIcon } from './icons.tsx';

/** Lists the workspaces the user can open; switching keeps the current section. */
export function WorkspaceSwitcher({ session, current }: { session: Session; current: Workspace }) {
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  const section = location.pathname.split('/').slice(3).join('/') || 'publish';

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  return (
    <div
      className="switcher"
      ref={root}
      onBlur={(event) => {
        // Tabbing out of the list closes it.
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="switcher__button"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`Workspace: ${current.name}, your role: ${current.role}. Switch workspace`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="switcher__badge" aria-hidden="true">
          {current.name.charAt(0).toUpperCase()}
        </span>
        <span className="switcher__text">
          <span className="switcher__name">{current.name}</span>
          <span className="switcher__meta">{capitalise(current.role)}</span>
        </span>
        <ChevronIcon />
      </button>
      {open && (
        <div className="switcher__popover" id={listId}>
          <p className="switcher__heading">Workspaces</p>
          <ul>
            {session.workspaces.map((w) => (
              <li key={w.id}>
                <Link to={`/w/${w.id}/${section}`} className="switcher__option" aria-current={w.id === current.id ? 'true' : undefined}>
                  <span className="switcher__badge switcher__badge--small" aria-hidden="true">
                    {w.name.charAt(0).toUpperCase()}
                  </span>
                  <span className="switcher__option-name">{w.name}</span>
                  {w.id === current.id && <CheckIcon />}
                </Link>
              </li>
            ))}
          </ul>
          {isOrgAdmin(session) && (
            <button
              type="button"
              className="switcher__option switcher__create"
              onClick={() => {
                setOpen(false);
                setCreating(true);
              }}
            >
              <PlusIcon />
              <span>New workspace</span>
            </button>
          )}
        </div>
      )}
      <NewWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
