import { useEffect, useRef, useState } from 'react';
import { heartbeat, leave, type PresenceOther } from '../../api/inbox.ts';

/** The server forgets a heartbeat after 15 s; every 3 s keeps "is viewing" live without flicker. */
const EVERY_MS = 3000;

/**
 * Tells the server that the user has this conversation open (and whether they are writing a reply),
 * and returns who else has it open. Leaving the conversation says so at once.
 */
export function usePresence(workspaceId: string, conversationId: string, replying: boolean): PresenceOther[] {
  const [others, setOthers] = useState<PresenceOther[]>([]);
  const state = useRef<PresenceOther['state']>('viewing');
  const beat = useRef<() => void>(() => {});

  useEffect(() => {
    let live = true;
    setOthers([]);
    beat.current = () => {
      heartbeat(workspaceId, conversationId, state.current).then(
        (answer) => live && setOthers(answer.others),
        () => live && setOthers([]),
      );
    };
    beat.current();
    const timer = setInterval(() => beat.current(), EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
      void leave(workspaceId, conversationId).catch(() => {});
    };
  }, [workspaceId, conversationId]);

  useEffect(() => {
    const next = replying ? 'replying' : 'viewing';
    if (state.current === next) return;
    state.current = next;
    beat.current(); // others see "is replying" now, not at the next tick
  }, [replying]);

  return others;
}
