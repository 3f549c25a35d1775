import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { get, query } from '../../api/client.ts';
import type { SocialProfile } from '../../api/publishing.ts';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { EmojiPicker } from './EmojiPicker.tsx';
import '../../styles/compose.css';

const DELAY_MS = 250;
// The word being typed at the caret, when it is a @mention or #hashtag of at least two characters.
const TOKEN_AT_CARET = /(?:^|[^\p{L}\p{N}_@#])([@#])([\p{L}\p{N}_][\p{L}\p{N}_.@-]+)$/u;

interface Suggestion {
  key: string;
  /** What replaces the typed token. */
  insert: string;
  label: string;
  detail: string | null;
  network: string | null;
  avatarUrl: string | null;
}

interface MentionAnswer {
  suggestions: { handle: string; displayName: string | null; avatarUrl: string | null; insert: string }[];
}

/** Replaces the text between `start` and `end` and gives the caret's new place. */
export function spliceText(text: string, start: number, end: number, value: string) {
  return { text: text.slice(0, start) + value + text.slice(end), caret: start + value.length };
}

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
  workspaceId: string;
  /** Profiles whose networks the text goes to: mentions are suggested in each one's form. */
  profiles: SocialProfile[];
  rows?: number;
  className?: string;
  placeholder?: string;
  /** Names the text in the emoji button's label ("Add emoji to @acme's text"). */
  label?: string;
}

/**
 * The composer's text box: an emoji button, and suggestions for @mentions (from each selected
 * network) and #hashtags (used before in this workspace) while typing. Arrow keys choose, Enter or
 * Tab inserts, Escape closes.
 */
export function ComposeTextarea({ id, value, onChange, workspaceId, profiles, rows, className, placeholder, label }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [token, setToken] = useState<{ marker: '@' | '#'; query: string; start: number; end: number } | null>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(0);
  const profileKey = profiles.map((p) => p.id).join(',');

  const readToken = () => {
    const el = area.current;
    if (!el || el.selectionStart !== el.selectionEnd) return setToken(null);
    const before = el.value.slice(0, el.selectionStart);
    const match = TOKEN_AT_CARET.exec(before);
    if (!match) return setToken(null);
    const marker = match[1] as '@' | '#';
    const word = match[2]!;
    setToken({ marker, query: word, start: el.selectionStart - word.length - 1, end: el.selectionStart });
  };

  useEffect(() => {
    if (!token) {
      setSuggestions([]);
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const found = token.marker === '#' ? await hashtags(workspaceId, token.query) : await mentions(workspaceId, profiles, token.query);
        if (live) {
          // A token that already matches a suggestion is complete: offering more would only get in the way.
          const typed = `${token.marker}${token.query}`.toLowerCase();
          setSuggestions(found.some((s) => s.insert.toLowerCase() === typed) ? [] : found);
          setActive(0);
        }
      } catch {
        if (live) setSuggestions([]);
      }
    }, DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // profiles are keyed by their ids: a new array with the same profiles asks nothing new.
  }, [token?.marker, token?.query, workspaceId, profileKey]);

  const place = (next: { text: string; caret: number }) => {
    onChange(next.text);
    requestAnimationFrame(() => {
      const el = area.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };
  const choose = (s: Suggestion) => {
    if (!token) return;
    const after = value.slice(token.end);
    place(spliceText(value, token.start, token.end, after.startsWith(' ') ? s.insert : `${s.insert} `));
    setToken(null);
  };
  const insertEmoji = (emoji: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    place(spliceText(value, start, end, emoji));
  };

  const open = token !== null && suggestions.length > 0;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      choose(suggestions[active]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setToken(null);
    }
  };

  return (
    <div className="compose-text">
      <textarea
        ref={area}
        id={id}
        className={className}
        rows={rows}
        value={value}
        placeholder={placeholder}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onChange(event.target.value);
          // The caret has moved with the typing; read the token after React has the new value.
          requestAnimationFrame(readToken);
        }}
        onKeyDown={onKeyDown}
        onClick={readToken}
        onBlur={() => setTimeout(() => setToken(null), 150)}
      />
      <div className="compose-text__tools">
        <EmojiPicker onPick={insertEmoji} label={label ? `Add emoji to ${label}` : 'Add emoji'} />
      </div>
      {open && (
        <ul id={listId} className="suggestions" role="listbox" aria-label={token.marker === '#' ? 'Hashtag suggestions' : 'Mention suggestions'}>
          {suggestions.map((s, index) => (
            <li
              key={s.key}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={`suggestions__item${index === active ? ' suggestions__item--active' : ''}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(s)}
            >
              {s.network && <NetworkIcon network={s.network} size={16} />}
              {s.avatarUrl && <img className="suggestions__avatar" src={s.avatarUrl} alt="" />}
              <span className="suggestions__label">{s.label}</span>
              {s.detail && <span className="suggestions__detail muted small">{s.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

async function hashtags(workspaceId: string, q: string): Promise<Suggestion[]> {
  const answer = await get<{ hashtags: { tag: string; uses: number }[] }>(`/workspaces/${workspaceId}/hashtag-suggestions${query({ q })}`);
  return answer.hashtags.map((h) => ({ key: h.tag, insert: `#${h.tag}`, label: `#${h.tag}`, detail: `${h.uses} post${h.uses === 1 ? '' : 's'}`, network: null, avatarUrl: null }));
}

/** One search per network (the first profile of each), each answer in that network's form. */
async function mentions(workspaceId: string, profiles: SocialProfile[], q: string): Promise<Suggestion[]> {
  const byNetwork = new Map<string, SocialProfile>();
  for (const p of profiles) if (!byNetwork.has(p.network)) byNetwork.set(p.network, p);
  const answers = await Promise.all(
    [...byNetwork.values()].map(async (profile) => {
      const answer = await get<MentionAnswer>(`/workspaces/${workspaceId}/profiles/${profile.id}/mention-suggestions${query({ q })}`).catch(() => ({ suggestions: [] }));
      return answer.suggestions.map((s) => ({
        key: `${profile.network}:${s.insert}`,
        insert: s.insert,
        label: s.insert,
        detail: [s.displayName, byNetwork.size > 1 ? networkName(profile.network) : null].filter(Boolean).join(' · ') || null,
        network: profile.network,
        avatarUrl: s.avatarUrl,
      }));
    }),
  );
  return answers.flat().slice(0, 12);
}
