import type { ConversationItem, ConversationPage } from './connector.ts';

/**
 * A page for networks read by time (Facebook, Instagram, Threads): the cursor is the newest
 * item's time. Timestamps there have one-second precision, so an item stamped in the same second
 * as the cursor may appear only after a sync: items AT the cursor's time are returned again, and
 * the inbox's de-duplication by remote id drops those already filed. Oldest first, each id once.
 */
export function pageSince(items: ConversationItem[], since: string | null | undefined): ConversationPage {
  const from = since ? Date.parse(since) : undefined;
  const seen = new Set<string>();
  const fresh = items.filter((i) => (from === undefined || Date.parse(i.createdAt) >= from) && !seen.has(i.id) && seen.add(i.id));
  fresh.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1));
  return { items: fresh, cursor: fresh.at(-1)?.createdAt ?? since ?? null };
}
