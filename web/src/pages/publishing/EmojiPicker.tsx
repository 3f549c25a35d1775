import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';

/** One emoji of Emojibase's compact English data (bundled with the app: no network at run time). */
interface Emoji {
  unicode: string;
  label: string;
  group?: number;
  order?: number;
  tags?: string[];
}

// Emojibase's group numbers; 2 (skin-tone and hair components) is not offered on its own.
const GROUPS: { id: number; label: string; icon: string }[] = [
  { id: 0, label: 'Smileys & emotion', icon: '😀' },
  { id: 1, label: 'People & body', icon: '👋' },
  { id: 3, label: 'Animals & nature', icon: '🐻' },
  { id: 4, label: 'Food & drink', icon: '🍔' },
  { id: 5, label: 'Travel & places', icon: '✈️' },
  { id: 6, label: 'Activities', icon: '⚽' },
  { id: 7, label: 'Objects', icon: '💡' },
  { id: 8, label: 'Symbols', icon: '❤️' },
  { id: 9, label: 'Flags', icon: '🏁' },
];
const RECENT_KEY = 'chorus.emoji.recent';
const RECENT_MAX = 24;
const COLUMNS = 8;

let loaded: Promise<Emoji[]> | null = null;
/** The data loads with the first picker opened, not with the app. */
function loadEmojis(): Promise<Emoji[]> {
  loaded ??= import('emojibase-data/en/compact.json').then((module) =>
    (module.default as Emoji[]).filter((e) => e.group !== undefined && e.group !== 2).sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
  );
  return loaded;
}

function readRecent(): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function remember(emoji: string) {
  const next = [emoji, ...readRecent().filter((e) => e !== emoji)].slice(0, RECENT_MAX);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Private browsing may refuse storage; the picker works without recents.
  }
}

/**
 * A button that opens a searchable emoji grid: categories, recently used, arrow keys to move,
 * Enter to insert, Escape to close. `onPick` gets the emoji; the caller inserts it at the caret.
 */
export function EmojiPicker({ onPick, label = 'Insert emoji' }: { onPick: (emoji: string) => void; label?: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!panel.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <span className="emoji-picker">
      <button ref={button} type="button" className="icon-button icon-button--small" aria-label={label} aria-expanded={open} title={label} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">☺</span>
      </button>
      {open && (
        <div ref={panel} className="emoji-picker__panel" role="dialog" aria-label="Emoji">
          <EmojiGrid
            onPick={(emoji) => {
              remember(emoji);
              onPick(emoji);
              setOpen(false);
            }}
            onClose={() => {
              setOpen(false);
              button.current?.focus();
            }}
          />
        </div>
      )}
    </span>
  );
}

function EmojiGrid({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [emojis, setEmojis] = useState<Emoji[] | null>(null);
  const [search, setSearch] = useState('');
  const [group, setGroup] = useState<number | 'recent'>(() => (readRecent().length ? 'recent' : 0));
  const [active, setActive] = useState(0);
  const gridId = useId();
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    void loadEmojis().then((list) => live && setEmojis(list));
    return () => {
      live = false;
    };
  }, []);

  const shown = useMemo(() => {
    if (!emojis) return [];
    const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length) return emojis.filter((e) => words.every((w) => e.label.includes(w) || e.tags?.some((t) => t.startsWith(w)))).slice(0, 200);
    if (group === 'recent') return readRecent().map((unicode) => emojis.find((e) => e.unicode === unicode) ?? { unicode, label: unicode });
    return emojis.filter((e) => e.group === group);
  }, [emojis, search, group]);
  const current = Math.min(active, Math.max(shown.length - 1, 0));

  useEffect(() => {
    grid.current?.querySelector<HTMLElement>(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const onKey = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (event.key in moves) {
      event.preventDefault();
      setActive(Math.max(0, Math.min(shown.length - 1, current + moves[event.key]!)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const emoji = shown[current];
      if (emoji) onPick(emoji.unicode);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  };

  const option = (e: Emoji, index: number) => `${gridId}-${index}`;
  return (
    <div className="emoji-grid" onKeyDown={onKey}>
      <input
        type="search"
        className="emoji-grid__search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        autoFocus
        value={search}
        role="combobox"
        aria-expanded="true"
        aria-controls={gridId}
        aria-activedescendant={shown.length ? option(shown[current]!, current) : undefined}
        onChange={(event) => {
          setSearch(event.target.value);
          setActive(0);
        }}
      />
      {!search && (
        <div className="emoji-grid__groups" role="tablist" aria-label="Categories">
          {[{ id: 'recent' as const, label: 'Recently used', icon: '🕘' }, ...GROUPS].map((g) => (
            <button
              key={g.id}
              type="button"
              role="tab"
              aria-selected={group === g.id}
              className={`emoji-grid__group${group === g.id ? ' emoji-grid__group--on' : ''}`}
              title={g.label}
              aria-label={g.label}
              onClick={() => {
                setGroup(g.id);
                setActive(0);
              }}
            >
              {g.icon}
            </button>
          ))}
        </div>
      )}
      <div ref={grid} id={gridId} className="emoji-grid__list" role="listbox" aria-label={search ? 'Search results' : 'Emoji'}>
        {!emojis && <p className="muted small">Loading…</p>}
        {emojis && shown.length === 0 && <p className="muted small">{search ? 'No emoji found.' : 'Nothing used yet.'}</p>}
        {shown.map((e, index) => (
          <button
            key={`${e.unicode}-${index}`}
            id={option(e, index)}
            data-index={index}
            type="button"
            role="option"
            tabIndex={-1}
            aria-selected={index === current}
            aria-label={e.label}
            title={e.label}
            className={`emoji-grid__emoji${index === current ? ' emoji-grid__emoji--active' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onPick(e.unicode)}
          >
            {e.unicode}
          </button>
        ))}
      </div>
    </div>
  );
}
