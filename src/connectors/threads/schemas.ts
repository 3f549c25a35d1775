/**
 * Threads API v1.0 (graph.threads.net) objects: tokens, the Threads user, media containers and
 * Threads media; only the fields Chorus requests.
 */
import { z } from 'zod';
import { listOf } from '../meta/graph.ts';

/** POST /oauth/access_token: a short-lived (1 hour) token; its numeric user_id is not read (precision). */
export const ShortToken = z.object({ access_token: z.string().min(1) });
/** th_exchange_token and th_refresh_token: a long-lived token, ~60 days. */
export const LongToken = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number() });

export const ThreadsUser = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  threads_profile_picture_url: z.string().optional(),
});

export const Container = z.object({ id: z.string(), status: z.string(), error_message: z.string().optional() });

const Ref = z.object({ id: z.string() });

export const ThreadsMedia = z.object({
  id: z.string(),
  text: z.string().optional(),
  media_type: z.string().optional(),
  permalink: z.string().optional(),
  timestamp: z.string(),
  username: z.string().optional(),
  is_reply: z.boolean().optional(),
  replied_to: Ref.optional(),
  root_post: Ref.optional(),
  link_attachment_url: z.string().optional(),
  children: listOf(Ref).optional(),
});
export type ThreadsMediaT = z.infer<typeof ThreadsMedia>;

export const MediaList = listOf(ThreadsMedia);
