/**
 * Instagram Graph API (with Facebook Login, Graph API v26.0) objects: IG User, IG Container,
 * IG Media, IG Comment, IG Hashtag; only the fields Chorus requests.
 */
import { z } from 'zod';
import { listOf } from '../meta/graph.ts';

export const IgUser = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  profile_picture_url: z.string().optional(),
  followers_count: z.number().optional(),
  follows_count: z.number().optional(),
  media_count: z.number().optional(),
});

export const Container = z.object({ id: z.string(), status_code: z.string(), status: z.string().optional() });

export const Media = z.object({
  id: z.string(),
  caption: z.string().optional(),
  media_type: z.string().optional(),
  permalink: z.string().optional(),
  timestamp: z.string(),
  username: z.string().optional(),
  like_count: z.number().optional(),
  comments_count: z.number().optional(),
  children: listOf(z.object({ id: z.string() })).optional(),
});
export type MediaT = z.infer<typeof Media>;

const From = z.object({ id: z.string(), username: z.string().optional() });

const CommentBase = z.object({
  id: z.string(),
  text: z.string().optional(),
  timestamp: z.string(),
  username: z.string().optional(),
  from: From.optional(),
});
export const Comment = CommentBase.extend({ replies: listOf(CommentBase).optional() });
export type CommentT = z.infer<typeof Comment>;

export const MediaWithComments = listOf(z.object({ id: z.string(), permalink: z.string().optional(), comments: listOf(Comment).optional() }));

export const MediaList = listOf(Media);

export const HashtagSearch = listOf(z.object({ id: z.string() }));
