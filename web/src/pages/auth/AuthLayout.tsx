import type { ReactNode } from 'react';
import { Logo } from '../../shell/icons.tsx';
import { useDocumentTitle } from '../../components/Page.tsx';

export function AuthLayout({ title, lead, children, footer }: { title: string; lead?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-card__brand">
          <Logo />
          <span>Chorus</span>
        </div>
        <h1>{title}</h1>
        {lead && <p className="auth-card__lead">{lead}</p>}
        {children}
      </div>
      {footer && <p className="auth-page__footer">{footer}</p>}
    </main>
  );
}
