import type { ConversationDetail, Message } from '../../api/inbox.ts';
import { networkName } from '../../components/NetworkIcon.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';

type Entry = { at: string; message: Message; note?: never } | { at: string; note: ConversationDetail['notes'][number]; message?: never };

/** Messages and internal notes in the order they happened; notes look unlike anything the customer sees. */
export function Thread({ detail, replyTo, onReplyTo, senderName }: { detail: ConversationDetail; replyTo: Message | null; onReplyTo: (m: Message) => void; senderName: (userId: string) => string | undefined }) {
  const entries: Entry[] = [...detail.messages.map((message) => ({ at: message.sentAt, message })), ...detail.notes.map((note) => ({ at: note.createdAt, note }))].sort(
    (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime(),
  );
  const dm = detail.conversation.kind === 'dm';
  return (
    <ol className="inbox-thread" aria-label="Messages and notes">
      {entries.map((entry) =>
        entry.message ? (
          <li key={entry.message.id} className={`inbox-msg inbox-msg--${entry.message.direction}${entry.message.id === replyTo?.id ? ' is-target' : ''}`}>
            <div className="inbox-msg__meta">
              <strong>{entry.message.direction === 'outbound' ? `@${entry.message.authorHandle}` : entry.message.authorName || `@${entry.message.authorHandle}`}</strong>
              {entry.message.sentByUserId && <span className="small muted">sent by {senderName(entry.message.sentByUserId) ?? 'a former member'}</span>}
              {/* The server's SENDING_PREFIX (src/inbox/sync.ts): recorded, not yet confirmed by the network. */}
              {entry.message.remoteId.startsWith('sending:') && (
                <span className="badge badge--warning" title="The network did not confirm this reply yet; the next sync confirms it if it went out.">
                  Not confirmed yet
                </span>
              )}
              <time dateTime={entry.message.sentAt} title={formatDateTime(entry.message.sentAt)} className="muted small">
                {formatRelative(entry.message.sentAt)}
              </time>
              {entry.message.url && (
                <a className="small" href={entry.message.url} target="_blank" rel="noreferrer">
                  View on {networkName(detail.conversation.network)}
                </a>
              )}
              {entry.message.direction === 'inbound' && !dm && (
                <button type="button" className="link-button small" onClick={() => onReplyTo(entry.message!)}>
                  Reply to this
                </button>
              )}
            </div>
            <p className="inbox-msg__text">{entry.message.text}</p>
          </li>
        ) : (
          <li key={entry.note.id} className="inbox-msg inbox-msg--note">
            <div className="inbox-msg__meta">
              <span className="badge badge--warning">Internal</span>
              <strong>{entry.note.authorName ?? 'Someone'}</strong>
              <time dateTime={entry.note.createdAt} title={formatDateTime(entry.note.createdAt)} className="muted small">
                {formatRelative(entry.note.createdAt)}
              </time>
            </div>
            <p className="inbox-msg__text">{entry.note.body}</p>
          </li>
        ),
      )}
    </ol>
  );
}
