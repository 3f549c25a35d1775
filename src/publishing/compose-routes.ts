import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { findProfile } from '../profiles/service.ts';
import { linkPreviewerOf } from '../links/preview/service.ts';
import { hashtagSuggestions, mentionSuggestions, suggestionQuery } from './suggestions.ts';

/** What the composer asks while someone types: mention and hashtag suggestions, link cards. */
export async function composeRoutes(app: ApiApp, chorus: Chorus) {
  const tags = ['publishing'];
  const previews = linkPreviewerOf(chorus);

  app.get(
    '/workspaces/:workspaceId/profiles/:profileId/mention-suggestions',
    {
      config: { access: 'posts.draft' },
      schema: {
        tags,
        summary: "Accounts to @mention from this profile: the network's people search (Bluesky, Mastodon), else people this workspace has met",
        params: workspaceParams.extend({ profileId: z.uuid() }),
        querystring: suggestionQuery,
      },
    },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      const profile = await findProfile(chorus.db, workspace.id, request.params.profileId);
      return mentionSuggestions(chorus, profile, request.query.q, request.query.limit);
    },
  );

  app.get(
    '/workspaces/:workspaceId/hashtag-suggestions',
    { config: { access: 'posts.draft' }, schema: { tags, summary: "Hashtags of this workspace's posts that start like q, the most used first", params: workspaceParams, querystring: suggestionQuery } },
    async (request) => ({ hashtags: await hashtagSuggestions(chorus.db, workspaceAuthOf(request).workspace.id, request.query.q, request.query.limit) }),
  );

  app.get(
    '/workspaces/:workspaceId/link-preview',
    {
      config: { access: 'posts.draft' },
      schema: { tags, summary: 'The link card (title, description, image) networks show for a URL; public http(s) pages only', params: workspaceParams, querystring: z.object({ url: z.string().trim().min(1).max(2048) }) },
    },
    async (request) => ({ card: await previews.preview(request.query.url) }),
  );
}
