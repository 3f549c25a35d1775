import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useSession } from './api/session.ts';
import { Loading } from './components/Page.tsx';
import { AppShell } from './shell/AppShell.tsx';
import { lastWorkspaceId } from './shell/lastWorkspace.ts';
import { Setup } from './pages/auth/Setup.tsx';
import { Login } from './pages/auth/Login.tsx';
import { AcceptInvitation } from './pages/auth/AcceptInvitation.tsx';
import { NoWorkspace } from './pages/NoWorkspace.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { PublishLayout, PublishHome } from './pages/publishing/Publish.tsx';
import { Composer } from './pages/publishing/Composer.tsx';
import { Calendar } from './pages/publishing/Calendar.tsx';
import { Campaigns } from './pages/publishing/Campaigns.tsx';
import { Drafts } from './pages/publishing/Drafts.tsx';
import { MediaLibrary } from './pages/media/MediaLibrary.tsx';
import { ImportCsv } from './pages/publishing/ImportCsv.tsx';
import { Profiles, ProfilesRedirect } from './pages/settings/Profiles.tsx';
import { Inbox } from './pages/inbox/Inbox.tsx';
import { Listen } from './pages/listening/Listen.tsx';
import { Reports } from './pages/analytics/Reports.tsx';
import { SettingsLayout } from './pages/settings/SettingsLayout.tsx';
import { WorkspaceSettings } from './pages/settings/Workspace.tsx';
import { Members } from './pages/settings/Members.tsx';
import { Teams } from './pages/settings/Teams.tsx';
import { AuditLog } from './pages/settings/AuditLog.tsx';
import { Account } from './pages/settings/Account.tsx';
import { PostingSlots } from './pages/settings/PostingSlots.tsx';
import { LinkTracking } from './pages/settings/LinkTracking.tsx';
import { SavedReplies } from './pages/settings/SavedReplies.tsx';
import { InboxSettings } from './pages/settings/InboxSettings.tsx';
import { Approvals } from './pages/approvals/Approvals.tsx';
import { ApprovalWorkflows } from './pages/settings/ApprovalWorkflows.tsx';
import { ComplianceRules } from './pages/settings/ComplianceRules.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/setup" element={<Setup />} />
      <Route path="/login" element={<Login />} />
      <Route path="/invite/:token" element={<AcceptInvitation />} />
      <Route
        path="/"
        element={
          <RequireSession>
            <Home />
          </RequireSession>
        }
      />
      <Route
        path="/settings/profiles"
        element={
          <RequireSession>
            <ProfilesRedirect />
          </RequireSession>
        }
      />
      <Route
        path="/w/:workspaceId"
        element={
          <RequireSession>
            <AppShell />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="publish" replace />} />
        <Route path="publish" element={<PublishLayout />}>
          <Route index element={<PublishHome />} />
          <Route path="calendar" element={<Calendar />} />
          <Route path="compose" element={<Composer />} />
          <Route path="posts/:postId" element={<Composer />} />
          <Route path="drafts" element={<Drafts />} />
          <Route path="campaigns" element={<Campaigns />} />
          <Route path="media" element={<MediaLibrary />} />
          <Route path="import" element={<ImportCsv />} />
        </Route>
        <Route path="approvals" element={<Approvals />} />
        <Route path="inbox" element={<Inbox />} />
        <Route path="listen" element={<Listen />} />
        <Route path="reports" element={<Reports />} />
        <Route path="settings" element={<SettingsLayout />}>
          <Route index element={<Navigate to="workspace" replace />} />
          <Route path="workspace" element={<WorkspaceSettings />} />
          <Route path="profiles" element={<Profiles />} />
          <Route path="slots" element={<PostingSlots />} />
          <Route path="links" element={<LinkTracking />} />
          <Route path="members" element={<Members />} />
          <Route path="teams" element={<Teams />} />
          <Route path="saved-replies" element={<SavedReplies />} />
          <Route path="inbox" element={<InboxSettings />} />
          <Route path="approvals" element={<ApprovalWorkflows />} />
          <Route path="compliance" element={<ComplianceRules />} />
          <Route path="audit" element={<AuditLog />} />
          <Route path="account" element={<Account />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoading />;
  if (session.isError) {
    return (
      <main className="auth-page">
        <p className="alert alert--error" role="alert">
          Chorus cannot load your session: {session.error.message}
        </p>
      </main>
    );
  }
  if (!session.data) {
    const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return <>{children}</>;
}

/** Opens the workspace used last, or the first one. */
function Home() {
  const { data: session } = useSession();
  const workspaces = session?.workspaces ?? [];
  if (workspaces.length === 0) return <NoWorkspace />;
  const last = lastWorkspaceId();
  const target = workspaces.find((w) => w.id === last) ?? workspaces[0]!;
  return <Navigate to={`/w/${target.id}/publish`} replace />;
}

export function FullPageLoading() {
  return (
    <main className="full-page-center">
      <Loading />
    </main>
  );
}
