/**
 * Instagram DMs through the Messenger Platform (Instagram Messaging, Facebook Login): the
 * conversations of the linked Page with `platform=instagram`, answered with the Send API. Needs
 * instagram_manage_messages and the MESSAGING task on the Page; without them comments still sync.
 */
import { z } from 'zod';
import type { ConversationItem, Credentials, PublishedPost } from '../connector.ts';
import { PermissionDenied, Rejected } from '../errors.ts';
import { type GraphClient, isoTime, listOf } from '../meta/graph.ts';

const Person = z.object({ id: z.string(), username: z.string().optional() });
const Message = z.object({ id: z.string(), message: z.string().optional(), created_time: z.string(), from: Person.optional() });
const Conversations = listOf(z.object({ id: z.string(), updated_time: z.string().optional(), messages: listOf(Message).optional() }));
const Participants = z.object({ id: z.string(), participants: listOf(Person) });
const Sent = z.object({ recipient_id: z.string().optional(), message_id: z.string() });

/** Conversation ids are opaque; the prefix tells `reply` to answer in the DM. */
export const DM_THREAD = 'dm:';

const pageOf = (c: Credentials) => {
  const pageId = c.extra?.pageId;
  if (!pageId) throw new Rejected('instagram', 'these credentials name no Facebook Page; reconnect the Instagram account.');
  return pageId;
};

/** The newest messages of the most recently active DMs; the account's own are left out. */
export async function fetchDirectMessages(graph: GraphClient, c: Credentials): Promise<ConversationItem[]> {
  let convs;
  try {
    convs = await graph.get(c, `${pageOf(c)}/conversations`, Conversations, {
      platform: 'instagram',
      fields: 'id,updated_time,messages.limit(20){id,message,created_time,from}',
      limit: 25,
    });
  } catch (e) {
    if (e instanceof PermissionDenied) return [];
    throw e;
  }
  const items: ConversationItem[] = [];
  for (const conv of convs.data) {
    for (const m of conv.messages?.data ?? []) {
      if (!m.from || m.from.id === c.accountId) continue;
      items.push({
        id: m.id,
        kind: 'dm',
        text: m.message ?? '',
        createdAt: isoTime(m.created_time),
        author: { id: m.from.id, handle: m.from.username ?? m.from.id },
        threadId: `${DM_THREAD}${conv.id}`,
      });
    }
  }
  return items;
}

/** Answers in the DM: the Send API takes the person (Instagram-scoped id), not the conversation. */
export async function sendDirectMessage(graph: GraphClient, c: Credentials, threadId: string, text: string): Promise<PublishedPost> {
  const conv = await graph.get(c, threadId.slice(DM_THREAD.length), Participants, { fields: 'participants' });
  const recipient = conv.participants.data.find((p) => p.id !== c.accountId);
  if (!recipient) throw new Rejected('instagram', 'the conversation has no one to answer.');
  const sent = await graph.post(c, `${pageOf(c)}/messages`, Sent, {
    recipient: JSON.stringify({ id: recipient.id }),
    message: JSON.stringify({ text }),
  });
  return { id: sent.message_id };
}
