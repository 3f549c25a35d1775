/**
 * Graph API v26.0 objects the Facebook Pages connector reads (Page, Page Post, Comment,
 * Conversation, Message), only the fields requested.
 */
import { z } from 'zod';
import { listOf } from '../meta/graph.ts';

const Summary = z.object({ summary: z.object({ total_count: z.number() }).partial().optional() });
const From = z.object({ id: z.string(), name: z.string().optional() });

export const Page = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string().optional(),
  link: z.string().optional(),
  picture: z.object({ data: z.object({ url: z.string().optional() }) }).optional(),
  followers_count: z.number().optional(),
  fan_count: z.number().optional(),
});

export const Post = z.object({
  id: z.string(),
  message: z.string().optional(),
  created_time: z.string(),
  permalink_url: z.string().optional(),
  from: From.optional(),
  parent_id: z.string().optional(),
  attachments: listOf(
    z.object({
      media_type: z.string().optional(),
      unshimmed_url: z.string().optional(),
      url: z.string().optional(),
      subattachments: listOf(z.object({ media_type: z.string().optional() })).optional(),
    }),
  ).optional(),
  likes: Summary.optional(),
  comments: Summary.optional(),
  reactions: Summary.optional(),
  shares: z.object({ count: z.number() }).optional(),
});
export type PostT = z.infer<typeof Post>;

export const Comment = z.object({
  id: z.string(),
  message: z.string().optional(),
  created_time: z.string(),
  from: From.optional(),
  parent: z.object({ id: z.string() }).optional(),
  permalink_url: z.string().optional(),
});
export type CommentT = z.infer<typeof Comment>;

export const FeedWithComments = listOf(z.object({ id: z.string(), comments: listOf(Comment).optional() }));

export const Message = z.object({ id: z.string(), message: z.string().optional(), created_time: z.string(), from: From.optional() });

export const Conversations = listOf(
  z.object({ id: z.string(), updated_time: z.string().optional(), link: z.string().optional(), messages: listOf(Message).optional() }),
);

export const Participants = z.object({ id: z.string(), participants: listOf(From) });

export const PhotoCreated = z.object({ id: z.string(), post_id: z.string().optional() });

export const MessageSent = z.object({ recipient_id: z.string().optional(), message_id: z.string() });

/** `GET /?ids=a,b&fields=…`: an object keyed by id. */
export const PostsById = z.record(z.string(), Post);
