import type { ReactNode } from 'react';
import { EmptyState, PageHeader } from '../components/Page.tsx';

interface Props {
  title: string;
  description: string;
  icon: ReactNode;
  heading: string;
  features: string[];
  note: ReactNode;
}

/** An honest placeholder: what the section will do, without pretending there is data. */
export function ComingSoon({ title, description, icon, heading, features, note }: Props) {
  return (
    <div className="page">
      <PageHeader title={title} description={description} />
      <div className="card">
        <EmptyState icon={icon} title={heading}>
          <ul className="feature-list">
            {features.map((feature) => (
              <li key={feature}>{feature}</li>
            ))}
          </ul>
          <p className="muted">{note}</p>
        </EmptyState>
      </div>
    </div>
  );
}
