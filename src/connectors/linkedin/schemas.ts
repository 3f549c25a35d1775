/**
 * LinkedIn REST API shapes (learn.microsoft.com/linkedin, Community Management APIs, version named
 * in ./api.ts), only the fields Chorus reads. Rest.li answers lists as { elements, paging }.
 */
import { z } from 'zod';

/** OpenID Connect userinfo (GET /v2/userinfo, scopes openid + profile). `sub` is the member id. */
export const UserInfo = z.object({
  sub: z.string().min(1),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  picture: z.string().optional(),
});

export const Organization = z.object({
  id: z.coerce.string(),
  localizedName: z.string().optional(),
  vanityName: z.string().optional(),
});

export const OrganizationAcls = z.object({
  elements: z.array(z.object({ organization: z.string(), role: z.string(), state: z.string().optional() })),
});

export const InitializeUpload = z.object({
  value: z.object({ uploadUrl: z.string().url(), image: z.string().startsWith('urn:li:image:'), uploadUrlExpiresAt: z.number().optional() }),
});

const MediaRef = z.object({ id: z.string(), altText: z.string().optional() });

export const Post = z.object({
  id: z.string(),
  author: z.string(),
  commentary: z.string().default(''),
  createdAt: z.number().optional(),
  publishedAt: z.number().optional(),
  lifecycleState: z.string().optional(),
  visibility: z.string().optional(),
  content: z
    .object({
      media: MediaRef.optional(),
      multiImage: z.object({ images: z.array(MediaRef) }).optional(),
      article: z.object({ source: z.string(), title: z.string().optional() }).optional(),
    })
    .optional(),
});
export type PostT = z.infer<typeof Post>;

export const Posts = z.object({ elements: z.array(Post) });

export const Comment = z.object({
  id: z.coerce.string(),
  actor: z.string(),
  object: z.string().optional(),
  commentUrn: z.string().optional(),
  $URN: z.string().optional(),
  parentComment: z.string().optional(),
  created: z.object({ time: z.number() }),
  message: z.object({ text: z.string() }).optional(),
  /** How many answers sit under this comment: read them only where there are some. */
  commentsSummary: z.object({ totalFirstLevelComments: z.number().optional(), aggregatedTotalComments: z.number().optional() }).optional(),
});
export type CommentT = z.infer<typeof Comment>;

export const Comments = z.object({ elements: z.array(Comment) });

/** organizationalEntityShareStatistics: lifetime totals per share or ugcPost. */
export const ShareStatistics = z.object({
  elements: z.array(
    z.object({
      share: z.string().optional(),
      ugcPost: z.string().optional(),
      totalShareStatistics: z.object({
        impressionCount: z.number().optional(),
        uniqueImpressionsCount: z.number().optional(),
        clickCount: z.number().optional(),
        likeCount: z.number().optional(),
        commentCount: z.number().optional(),
        shareCount: z.number().optional(),
      }),
    }),
  ),
});

/** memberCreatorPostAnalytics (q=entity, aggregation=TOTAL): one element carrying the count. */
export const MemberPostAnalytics = z.object({ elements: z.array(z.object({ count: z.number() })) });

export const NetworkSize = z.object({ firstDegreeSize: z.number() });
export const MemberFollowersCount = z.object({ elements: z.array(z.object({ memberFollowersCount: z.number() })) });
