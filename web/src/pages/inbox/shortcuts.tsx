import { useEffect, useRef } from 'react';
import { Dialog } from '../../components/Dialog.tsx';

export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ['j'], action: 'Next conversation' },
  { keys: ['k'], action: 'Previous conversation' },
  { keys: ['Enter', 'o'], action: 'Open the conversation' },
  { keys: ['r'], action: 'Write a reply' },
  { keys: ['n'], action: 'Write an internal note' },
  { keys: ['e'], action: 'Close (done)' },
  { keys: ['a'], action: 'Assign to me' },
  { keys: ['x'], action: 'Select for bulk actions' },
  { keys: ['/'], action: 'Search' },
  { keys: ['Esc'], action: 'Leave the field; again: back to the list' },
  { keys: ['Ctrl', 'Enter'], action: 'Send the reply or note (⌘ Enter on a Mac)' },
  { keys: ['?'], action: 'This help' },
];

export type ShortcutHandlers = Partial<Record<'j' | 'k' | 'o' | 'r' | 'n' | 'e' | 'a' | 'x' | '/' | '?' | 'Escape', () => void>>;

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * The inbox's single-key shortcuts. None fires while typing in a field, except Escape (which leaves
 * the field); none fires while a dialog is open or with a modifier held.
 */
export function useShortcuts(handlers: ShortcutHandlers) {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      if (event.key === 'Escape') {
        // From a field, Escape only leaves the field, so that a half-written reply stays on screen.
        if (typing(event.target)) (event.target as HTMLElement).blur();
        else current.current.Escape?.();
        return;
      }
      if (typing(event.target)) return;
      // Enter on a focused button or link already does its own thing.
      const key = event.key === 'Enter' ? (event.target instanceof HTMLElement && event.target.closest('button, a') ? null : 'o') : event.key;
      const handler = key ? current.current[key as keyof ShortcutHandlers] : undefined;
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <dl className="inbox-shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.action} className="inbox-shortcuts__row">
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && (s.keys[0] === 'Ctrl' ? ' + ' : ' or ')}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Shortcuts do nothing while you type in a field, except Esc and Ctrl+Enter.</p>
    </Dialog>
  );
}
