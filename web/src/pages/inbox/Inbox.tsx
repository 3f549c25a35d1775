import { ComingSoon } from '../ComingSoon.tsx';
import { InboxIcon } from '../../shell/icons.tsx';

export function Inbox() {
  return (
    <ComingSoon
      title="Inbox"
      description="Every comment, mention and message in one place."
      icon={<InboxIcon />}
      heading="No conversations yet"
      features={[
        'Comments, mentions and direct messages from all connected profiles in one queue.',
        'Assignment to teammates and teams, with routing rules and saved replies.',
        'Replies sent from Chorus, recorded with who answered and when.',
      ]}
      note="Conversations appear here once social profiles can be connected, which is not available in this version yet."
    />
  );
}
