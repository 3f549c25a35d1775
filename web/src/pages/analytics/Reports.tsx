import { ComingSoon } from '../ComingSoon.tsx';
import { ReportsIcon } from '../../shell/icons.tsx';

export function Reports() {
  return (
    <ComingSoon
      title="Reports"
      description="How your profiles and posts perform."
      icon={<ReportsIcon />}
      heading="No data to report yet"
      features={[
        'Follower growth, reach and engagement per profile and per post.',
        'Dashboards you can share, and reports delivered by email on a schedule.',
        'Link clicks and conversions attributed to the posts that drove them.',
      ]}
      note="Reports are built from the metrics of connected profiles, which are not available in this version yet."
    />
  );
}
