import type { PresenceOther } from '../../api/inbox.ts';

/** "Alex is viewing", "Sam is replying…": who else has this conversation open right now. */
export function PresenceBar({ others }: { others: PresenceOther[] }) {
  return (
    <div className="inbox-presence" role="status" aria-live="polite">
      {others.map((o) => (
        <span key={o.userId} className={`inbox-presence__who inbox-presence__who--${o.state}`}>
          <span className="inbox-presence__dot" aria-hidden="true" />
          {o.state === 'replying' ? `${o.name} is replying…` : `${o.name} is viewing`}
        </span>
      ))}
    </div>
  );
}
