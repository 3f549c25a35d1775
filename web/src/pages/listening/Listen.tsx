import { ComingSoon } from '../ComingSoon.tsx';
import { ListenIcon } from '../../shell/icons.tsx';

export function Listen() {
  return (
    <ComingSoon
      title="Listen"
      description="Follow what people say about your brand, products and competitors."
      icon={<ListenIcon />}
      heading="No listening queries yet"
      features={[
        'Saved queries for keywords, hashtags and accounts, searched across networks.',
        'Mentions with language and sentiment, and alerts when volume spikes.',
        'Recurring themes, so you see what a conversation is about at a glance.',
      ]}
      note="Listening is not available in this version of Chorus yet."
    />
  );
}
