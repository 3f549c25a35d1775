import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router-dom';
import { get, post } from '../api/client.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import { BellIcon } from './icons.tsx';

export interface Notification {
  id: string;
  workspaceId: string | null;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export const notificationsKey = ['notifications'] as const;

/** Unread notifications, checked every 30 seconds while the app is open. */
export const useNotifications = () =>
  useQuery({
    queryKey: notificationsKey,
    queryFn: () => get<{ items: Notification[]; unread: number }>('/me/notifications'),
    refetchInterval: 30_000,
  });

/** Links are stored relative to their workspace ("/publish/posts/…"). */
const hrefOf = (n: Notification) => (!n.link ? null : n.workspaceId && !n.link.startsWith('/w/') ? `/w/${n.workspaceId}${n.link}` : n.link);

/** The bell in the shell: unread count, and a popover with the latest notifications. */
export function NotificationBell() {
  const notifications = useNotifications();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const location = useLocation();
  const unread = notifications.data?.unread ?? 0;
  const markRead = useMutation({
    mutationFn: (ids: string[] | 'all') => post('/me/notifications/read', { ids }),
    onSuccess: () => client.invalidateQueries({ queryKey: notificationsKey }),
  });

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    void notifications.refetch();
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  const items = notifications.data?.items ?? [];
  return (
    <div className="bell" ref={root}>
      <button
        ref={button}
        type="button"
        className="icon-button bell__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => setOpen((value) => !value)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell__count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell__panel" id={panelId} role="region" aria-label="Notifications">
          <div className="bell__head">
            <h2>Notifications</h2>
            <button type="button" className="link-button small" disabled={unread === 0 || markRead.isPending} onClick={() => markRead.mutate('all')}>
              Mark all read
            </button>
          </div>
          {notifications.isError && <p className="alert alert--error">Notifications cannot be loaded right now.</p>}
          {notifications.data && items.length === 0 && <p className="bell__empty muted">Nothing yet. Chorus tells you here when a post of yours fails or needs a look.</p>}
          {items.length > 0 && (
            <ul className="bell__list">
              {items.map((n) => {
                const href = hrefOf(n);
                const content = (
                  <>
                    <span className="bell__title">{n.title}</span>
                    {n.body && <span className="bell__body">{n.body}</span>}
                    <time className="bell__time" dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                      {formatRelative(n.createdAt)}
                    </time>
                  </>
                );
                return (
                  <li key={n.id} className={`bell__item${n.readAt ? '' : ' bell__item--unread'}`}>
                    {href ? (
                      <Link
                        to={href}
                        className="bell__link"
                        onClick={() => {
                          if (!n.readAt) markRead.mutate([n.id]);
                        }}
                      >
                        {content}
                      </Link>
                    ) : (
                      <div className="bell__link">{content}</div>
                    )}
                    {!n.readAt && <span className="visually-hidden">Unread</span>}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
