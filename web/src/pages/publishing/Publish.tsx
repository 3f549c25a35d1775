import { ComingSoon } from '../ComingSoon.tsx';
import { PublishIcon } from '../../shell/icons.tsx';

export function Publish() {
  return (
    <ComingSoon
      title="Publish"
      description="Plan, write, approve and schedule posts."
      icon={<PublishIcon />}
      heading="Nothing scheduled yet"
      features={[
        'A calendar of scheduled and published posts across every connected profile.',
        'A composer that adapts one post to each network’s length, media and link rules.',
        'Approval steps before anything goes out, and a clear status for every post.',
      ]}
      note="Publishing needs connected social profiles, which are not available in this version of Chorus yet."
    />
  );
}
