/**
 * X API v2 response shapes (docs.x.com/x-api), only the fields read.
 */
import { z } from 'zod';

export const PublicUserMetrics = z.object({
  followers_count: z.number(),
  following_count: z.number(),
  tweet_count: z.number(),
  listed_count: z.number().optional(),
});

export const User = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  profile_image_url: z.string().optional(),
  public_metrics: PublicUserMetrics.optional(),
});

export const Me = z.object({ data: User });

export const TweetMetrics = z.object({
  retweet_count: z.number(),
  reply_count: z.number(),
  like_count: z.number(),
  quote_count: z.number(),
  bookmark_count: z.number().optional(),
  impression_count: z.number().optional(),
});

export const Tweet = z.object({
  id: z.string(),
  text: z.string(),
  author_id: z.string().optional(),
  created_at: z.string().optional(),
  conversation_id: z.string().optional(),
  in_reply_to_user_id: z.string().optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
  entities: z.object({ urls: z.array(z.object({ expanded_url: z.string().optional() })).optional() }).optional(),
  public_metrics: TweetMetrics.optional(),
});
export type TweetT = z.infer<typeof Tweet>;

/** X answers lookups of missing tweets with 200 and an `errors` array. */
const ApiProblem = z.object({ title: z.string().optional(), detail: z.string().optional(), resource_id: z.string().optional(), type: z.string().optional() });

export const TweetLookup = z.object({ data: Tweet.optional(), errors: z.array(ApiProblem).optional() });
export const TweetsLookup = z.object({ data: z.array(Tweet).optional(), errors: z.array(ApiProblem).optional() });

export const TweetPage = z.object({
  data: z.array(Tweet).optional(),
  includes: z.object({ users: z.array(User).optional() }).optional(),
  meta: z.object({ result_count: z.number().optional(), newest_id: z.string().optional(), oldest_id: z.string().optional(), next_token: z.string().optional() }),
});

export const CreatedTweet = z.object({ data: z.object({ id: z.string(), text: z.string() }) });
export const Deleted = z.object({ data: z.object({ deleted: z.boolean() }) });


export const DmEvent = z.object({
  id: z.string(),
  event_type: z.string(),
  text: z.string().optional(),
  sender_id: z.string().optional(),
  dm_conversation_id: z.string().optional(),
  created_at: z.string().optional(),
});
export const DmPage = z.object({
  data: z.array(DmEvent).optional(),
  includes: z.object({ users: z.array(User).optional() }).optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().optional() }),
});
export const SentDm = z.object({ data: z.object({ dm_conversation_id: z.string(), dm_event_id: z.string() }) });
