/**
 * The shapes Chorus reads from AT Protocol / Bluesky XRPC answers (lexicons com.atproto.* and
 * app.bsky.*). Only the fields used are declared; everything else passes through unchecked.
 */
import { z } from 'zod';

export const Session = z.object({
  did: z.string().startsWith('did:'),
  handle: z.string(),
  accessJwt: z.string(),
  refreshJwt: z.string(),
  active: z.boolean().optional(),
  status: z.string().optional(),
  didDoc: z
    .object({ service: z.array(z.object({ id: z.string(), type: z.string(), serviceEndpoint: z.unknown() })).optional() })
    .optional(),
});

export const ResolvedHandle = z.object({ did: z.string() });

export const StrongRef = z.object({ uri: z.string(), cid: z.string() });

export const PostRecordValue = z.object({
  text: z.string().default(''),
  createdAt: z.string(),
  reply: z.object({ root: StrongRef, parent: StrongRef }).optional(),
  embed: z.unknown().optional(),
});

export const RecordAnswer = z.object({ uri: z.string(), cid: z.string().optional(), value: z.record(z.string(), z.unknown()) });

export const BlobRef = z.object({
  $type: z.literal('blob'),
  ref: z.object({ $link: z.string() }),
  mimeType: z.string(),
  size: z.number(),
});
export const UploadedBlob = z.object({ blob: BlobRef });

export const ProfileBasic = z.object({
  did: z.string(),
  handle: z.string(),
  displayName: z.string().optional(),
  avatar: z.string().optional(),
});

export const ActorsTypeahead = z.object({ actors: z.array(ProfileBasic) });

export const ProfileDetailed = ProfileBasic.extend({
  followersCount: z.number().optional(),
  followsCount: z.number().optional(),
  postsCount: z.number().optional(),
});

export const ProfilesAnswer = z.object({ profiles: z.array(ProfileDetailed) });

export const PostView = z.object({
  uri: z.string(),
  cid: z.string(),
  author: ProfileBasic,
  record: z.record(z.string(), z.unknown()),
  embed: z.unknown().optional(),
  replyCount: z.number().optional(),
  repostCount: z.number().optional(),
  likeCount: z.number().optional(),
  quoteCount: z.number().optional(),
  bookmarkCount: z.number().optional(),
  indexedAt: z.string(),
});
export type PostViewT = z.infer<typeof PostView>;

export const Posts = z.object({ posts: z.array(PostView) });
export const SearchAnswer = z.object({ posts: z.array(PostView), cursor: z.string().optional() });

export const Notification = z.object({
  uri: z.string(),
  cid: z.string(),
  author: ProfileBasic,
  reason: z.string(),
  reasonSubject: z.string().optional(),
  record: z.record(z.string(), z.unknown()),
  indexedAt: z.string(),
});
export type NotificationT = z.infer<typeof Notification>;
export const Notifications = z.object({ notifications: z.array(Notification), cursor: z.string().optional() });
