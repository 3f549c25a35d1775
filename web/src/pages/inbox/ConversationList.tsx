import type { RefObject } from 'react';
import type { ConversationListItem } from '../../api/inbox.ts';
import { ProfileAvatar } from '../../components/NetworkIcon.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { SlaBadge, slaClass } from './SlaBadge.tsx';

interface Props {
  items: ConversationListItem[];
  openId: string | null;
  cursor: number;
  selected: ReadonlySet<string>;
  assigneeName: (c: ConversationListItem) => string | null;
  onOpen: (index: number) => void;
  onToggle: (id: string) => void;
  onToggleAll: () => void;
  listRef: RefObject<HTMLUListElement | null>;
}

/** The middle pane's rows: who, where, what, when, and how urgent. */
export function ConversationList({ items, openId, cursor, selected, assigneeName, onOpen, onToggle, onToggleAll, listRef }: Props) {
  const all = items.length > 0 && items.every((c) => selected.has(c.id));
  return (
    <>
      <label className="inbox-list__select-all small muted">
        <input type="checkbox" checked={all} onChange={onToggleAll} disabled={items.length === 0} /> Select all
      </label>
      <ul className="inbox-list" ref={listRef} aria-label="Conversations">
        {items.map((c, index) => {
          const who = c.authorName || `@${c.authorHandle}`;
          const assignee = assigneeName(c);
          return (
            <li
              key={c.id}
              className={`inbox-row${c.id === openId ? ' is-open' : ''}${index === cursor ? ' is-cursor' : ''}${c.unread > 0 ? ' is-unread' : ''}${slaClass(c.sla)}`}
              data-conversation-id={c.id}
            >
              <input type="checkbox" className="inbox-row__check" aria-label={`Select conversation with ${who}`} checked={selected.has(c.id)} onChange={() => onToggle(c.id)} />
              <button type="button" className="inbox-row__open" aria-current={c.id === openId ? 'true' : undefined} aria-label={`${who}: ${c.lastText ?? ''}`} onClick={() => onOpen(index)}>
                <ProfileAvatar network={c.network} handle={c.authorHandle} avatarUrl={c.authorAvatarUrl} size={32} />
                <span className="inbox-row__body">
                  <span className="inbox-row__top">
                    <span className="inbox-row__who">{who}</span>
                    <time className="inbox-row__time" dateTime={c.lastMessageAt} title={formatDateTime(c.lastMessageAt)}>
                      {formatRelative(c.lastMessageAt)}
                    </time>
                  </span>
                  <span className="inbox-row__snippet">{c.lastText ?? ''}</span>
                  <span className="inbox-row__meta">
                    {c.unread > 0 && <span className="inbox-row__dot" title={`${c.unread} unread`} aria-label="Unread" />}
                    {(c.priority === 'high' || c.priority === 'urgent') && <span className={`badge ${c.priority === 'urgent' ? 'badge--danger' : 'badge--warning'}`}>{c.priority}</span>}
                    {c.status !== 'open' && <span className="badge badge--muted">{c.status}</span>}
                    <SlaBadge sla={c.sla} />
                    {c.tags.map((tag) => (
                      <span key={tag} className="chip">
                        {tag}
                      </span>
                    ))}
                    {assignee && <span className="inbox-row__assignee muted small">→ {assignee}</span>}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
