/**
 * Mastodon REST API entities (docs.joinmastodon.org, API as of Mastodon 4.3), only the fields read.
 */
import { z } from 'zod';

export const Instance = z.object({
  domain: z.string(),
  version: z.string(),
  configuration: z
    .object({
      statuses: z.object({ max_characters: z.number(), max_media_attachments: z.number() }).partial().optional(),
      media_attachments: z
        .object({ supported_mime_types: z.array(z.string()), image_size_limit: z.number(), video_size_limit: z.number(), description_limit: z.number() })
        .partial()
        .optional(),
      /** Where the streaming API lives when it is not on the instance's own host (wss://…). */
      urls: z.object({ streaming: z.string() }).partial().optional(),
    })
    .optional(),
});

export const RegisteredApp = z.object({ client_id: z.string(), client_secret: z.string() });

export const Account = z.object({
  id: z.string(),
  username: z.string(),
  acct: z.string(),
  display_name: z.string().optional(),
  avatar: z.string().optional(),
  url: z.string().optional(),
  followers_count: z.number().optional(),
  following_count: z.number().optional(),
  statuses_count: z.number().optional(),
});

export const MediaAttachment = z.object({ id: z.string(), type: z.string(), url: z.string().nullable() });

export const Status = z.object({
  id: z.string(),
  uri: z.string(),
  url: z.string().nullable().optional(),
  created_at: z.string(),
  content: z.string(),
  visibility: z.string(),
  in_reply_to_id: z.string().nullable().optional(),
  in_reply_to_account_id: z.string().nullable().optional(),
  account: Account,
  /** Everyone the status mentions: for a DM, who may read it. */
  mentions: z.array(z.object({ id: z.string(), acct: z.string() })).default([]),
  media_attachments: z.array(MediaAttachment).default([]),
  card: z.object({ url: z.string() }).nullable().optional(),
  replies_count: z.number().default(0),
  reblogs_count: z.number().default(0),
  favourites_count: z.number().default(0),
  quotes_count: z.number().optional(),
});
export type StatusT = z.infer<typeof Status>;
export const Statuses = z.array(Status);

export const Notification = z.object({
  id: z.string(),
  type: z.string(),
  created_at: z.string(),
  account: Account,
  status: Status.nullable().optional(),
});
export const Notifications = z.array(Notification);

export const SearchResults = z.object({ statuses: z.array(Status) });
export const AccountResults = z.object({ accounts: z.array(Account) });
export const Context = z.object({ ancestors: z.array(Status), descendants: z.array(Status) });
