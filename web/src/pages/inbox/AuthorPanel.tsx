import { Link } from 'react-router-dom';
import type { ConversationDetail } from '../../api/inbox.ts';
import { NetworkIcon, ProfileAvatar, networkName } from '../../components/NetworkIcon.tsx';
import { capitalise, formatDate } from '../../lib/format.ts';

const followers = new Intl.NumberFormat(undefined, { notation: 'compact' });

/** Who wrote, and their history with the brand. */
export function AuthorPanel({ detail, linkTo }: { detail: ConversationDetail; linkTo: (conversationId: string) => string }) {
  const { conversation: c, authorHistory } = detail;
  return (
    <aside className="inbox-author" aria-label="Author">
      <div className="inbox-author__who">
        <ProfileAvatar network={c.network} handle={c.authorHandle} avatarUrl={c.authorAvatarUrl} size={56} />
        <div>
          <p className="inbox-author__name">{c.authorName || c.authorHandle}</p>
          <p className="muted small">@{c.authorHandle}</p>
          {typeof c.authorFollowers === 'number' && <p className="small">{followers.format(c.authorFollowers)} followers</p>}
        </div>
      </div>
      <h3 className="inbox-author__heading">Past conversations</h3>
      {authorHistory.length === 0 ? (
        <p className="muted small">This is their first conversation with you.</p>
      ) : (
        <ul className="inbox-author__history">
          {authorHistory.map((h) => (
            <li key={h.id}>
              <Link to={linkTo(h.id)}>
                <NetworkIcon network={h.network} size={14} /> {capitalise(h.kind)} on {networkName(h.network)}, {formatDate(h.lastMessageAt)}
              </Link>{' '}
              <span className="badge badge--muted">{h.status}</span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
