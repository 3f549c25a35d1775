import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useParams } from 'react-router-dom';
import { useSession } from '../api/session.ts';
import { NotFound } from '../pages/NotFound.tsx';
import { ApprovalsIcon, InboxIcon, ListenIcon, Logo, MenuIcon, PublishIcon, ReportsIcon, SettingsIcon } from './icons.tsx';
import { WaitingBadge } from '../pages/approvals/WaitingBadge.tsx';
import { rememberWorkspace } from './lastWorkspace.ts';
import { UserMenu } from './UserMenu.tsx';
import { NotificationBell } from './NotificationBell.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';
import type { ShellContext } from './useWorkspace.ts';

const NAV = [
  { to: 'publish', label: 'Publish', icon: <PublishIcon /> },
  { to: 'approvals', label: 'Approvals', icon: <ApprovalsIcon /> },
  { to: 'inbox', label: 'Inbox', icon: <InboxIcon /> },
  { to: 'listen', label: 'Listen', icon: <ListenIcon /> },
  { to: 'reports', label: 'Reports', icon: <ReportsIcon /> },
  { to: 'settings', label: 'Settings', icon: <SettingsIcon /> },
];

/** The signed-in frame: sidebar navigation (a drawer on narrow screens) and the page. */
export function AppShell() {
  const { workspaceId } = useParams();
  const { data: session } = useSession();
  const location = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const workspace = session?.workspaces.find((w) => w.id === workspaceId);

  useEffect(() => {
    if (workspace) rememberWorkspace(workspace.id);
  }, [workspace]);
  useEffect(() => setNavOpen(false), [location.pathname]);
  const restoreFocus = useRef(false);
  const closeNav = () => {
    restoreFocus.current = true;
    setNavOpen(false);
  };
  useEffect(() => {
    // After the page behind the drawer is no longer inert, focus goes back to the menu button.
    if (navOpen || !restoreFocus.current) return;
    restoreFocus.current = false;
    menuButton.current?.focus();
  }, [navOpen]);
  useEffect(() => {
    if (!navOpen) return;
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) closeNav();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navOpen]);

  if (!session) return null;
  if (!workspace) return <NotFound message="This workspace does not exist, or you are not a member of it." />;
  const context: ShellContext = { session, workspace };

  return (
    <div className={`shell${navOpen ? ' shell--nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar" inert={navOpen}>
        <button
          ref={menuButton}
          type="button"
          className="icon-button"
          aria-label="Open navigation"
          aria-expanded={navOpen}
          aria-controls="sidebar"
          onClick={() => setNavOpen(true)}
        >
          <MenuIcon />
        </button>
        <span className="topbar__brand">
          <Logo />
          <span className="topbar__workspace">{workspace.name}</span>
        </span>
        <NotificationBell />
      </header>
      <div className="shell__scrim" aria-hidden="true" onClick={closeNav} />
      <aside className="sidebar" id="sidebar" aria-label="Sidebar">
        <div className="sidebar__brand">
          <Logo />
          <span>Chorus</span>
          <NotificationBell />
          <button ref={closeButton} type="button" className="icon-button sidebar__close" aria-label="Close navigation" onClick={closeNav}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <WorkspaceSwitcher session={session} current={workspace} />
        <nav className="sidebar__nav" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="nav-link">
                  {item.icon}
                  <span>{item.label}</span>
                  {item.to === 'approvals' && <WaitingBadge workspace={workspace} />}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <UserMenu session={session} workspace={workspace} />
      </aside>
      <main className="main" id="main" tabIndex={-1} inert={navOpen}>
        <Outlet context={context} />
      </main>
    </div>
  );
}
