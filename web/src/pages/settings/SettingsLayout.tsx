import { NavLink, Outlet } from 'react-router-dom';
import { can } from '../../api/session.ts';
import { PageHeader } from '../../components/Page.tsx';
import { useShell } from '../../shell/useWorkspace.ts';

export function SettingsLayout() {
  const shell = useShell();
  const tabs = [
    { to: 'workspace', label: 'Workspace' },
    { to: 'profiles', label: 'Social profiles' },
    { to: 'slots', label: 'Posting slots' },
    { to: 'links', label: 'Link tracking' },
    { to: 'members', label: 'Members & roles' },
    { to: 'teams', label: 'Teams' },
    { to: 'saved-replies', label: 'Saved replies' },
    { to: 'inbox', label: 'Inbox' },
    { to: 'approvals', label: 'Approvals' },
    { to: 'compliance', label: 'Compliance' },
    ...(can(shell.workspace, 'audit.read') ? [{ to: 'audit', label: 'Audit log' }] : []),
    { to: 'account', label: 'Account' },
  ];
  return (
    <div className="page">
      <PageHeader title="Settings" description={`Settings of ${shell.workspace.name} and of your account.`} />
      <nav className="tabs" aria-label="Settings">
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} className="tabs__link">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={shell} />
    </div>
  );
}
