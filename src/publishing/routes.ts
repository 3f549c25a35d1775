import { z } from 'zod';
import { and, eq, inArray } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { forbidden } from '../core/errors.ts';
import { roleCan } from '../workspaces/roles.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { postVariants } from './schema.ts';
import { calendar, calendarQuery, createPost, createPostInput, deletePost, listDrafts, loadPost, problemsFor, updatePost, updatePostInput } from './posts.ts';
import { rescheduleVariant, resolveAttention, resolveAttentionInput, schedulePost, scheduleInput, unschedulePost } from './scheduling.ts';
import { campaignInput, createCampaign, deleteCampaign, listCampaigns, updateCampaign, updateCampaignInput } from './campaigns.ts';
import { whenInput } from './time.ts';
import { addNote, listNotes, noteInput } from './notes.ts';
import { listSlots, queuePost, setSlots, slotsInput } from './queue.ts';
import { importCsv, importInput } from './csv-import.ts';
import { AppError } from '../core/errors.ts';
import { findProfile } from '../profiles/service.ts';
import { mediaSummaries } from '../media/service.ts';
import { evaluateCompliance } from '../approvals/compliance.ts';

const postParams = workspaceParams.extend({ postId: z.uuid() });
const variantParams = workspaceParams.extend({ variantId: z.uuid() });
const campaignParams = workspaceParams.extend({ campaignId: z.uuid() });

export async function publishingRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['publishing'];

  /** Contributors may shape drafts, but a scheduled post is a publisher's to change. */
  async function assertMayEditScheduled(request: Parameters<typeof workspaceAuthOf>[0], postId: string) {
    const { role } = workspaceAuthOf(request);
    if (roleCan(role, 'posts.schedule')) return;
    const scheduled = await db.select({ id: postVariants.id }).from(postVariants).where(and(eq(postVariants.postId, postId), inArray(postVariants.status, ['scheduled', 'publishing', 'published'])));
    if (scheduled.length) throw forbidden('This post is scheduled or published; only publishers can change it.');
  }

  app.post(
    '/workspaces/:workspaceId/compose/check',
    {
      config: { access: 'posts.draft' },
      schema: {
        tags,
        summary: "Check text against each profile's network rules and the workspace's compliance rules, as the composer types",
        params: workspaceParams,
        body: z.object({
          text: z.string().max(20_000),
          profileIds: z.array(z.uuid()).max(50),
          tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
          campaignId: z.uuid().nullable().default(null),
          /** The media that go with this text, in order: checked against each network's media rules. */
          mediaIds: z.array(z.uuid()).max(20).default([]),
        }),
      },
    },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      const { text, profileIds } = request.body;
      const media = await mediaSummaries(db, workspace.id, request.body.mediaIds);
      const profiles = profileIds.length
        ? await db.select().from(socialProfiles).where(and(eq(socialProfiles.workspaceId, workspace.id), inArray(socialProfiles.id, profileIds)))
        : [];
      const variants = profiles.map((p) => ({ profileId: p.id, network: p.network, text }));
      return {
        results: profiles.map((p) => ({ profileId: p.id, network: p.network, problems: problemsFor(chorus, p.network, text, media) })),
        compliance: await evaluateCompliance(db, workspace.id, { tags: request.body.tags, campaignId: request.body.campaignId, variants }),
      };
    },
  );

  app.get(
    '/workspaces/:workspaceId/calendar',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'Scheduled, published and failed posts in a window, with filters', params: workspaceParams, querystring: calendarQuery } },
    async (request) => ({ items: await calendar(db, workspaceAuthOf(request).workspace.id, request.query) }),
  );

  app.get('/workspaces/:workspaceId/drafts', { config: { access: 'posts.read' }, schema: { tags, summary: 'Posts with unscheduled drafts', params: workspaceParams } }, async (request) => ({
    drafts: await listDrafts(db, workspaceAuthOf(request).workspace.id),
  }));

  app.post(
    '/workspaces/:workspaceId/posts',
    { config: { access: 'posts.draft' }, schema: { tags, summary: 'Create a draft for one or more profiles', params: workspaceParams, body: createPostInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send(await createPost(chorus, actor, workspace.id, request.body));
    },
  );

  app.get('/workspaces/:workspaceId/posts/:postId', { config: { access: 'posts.read' }, schema: { tags, summary: 'A post, its variants and their problems', params: postParams } }, async (request) =>
    loadPost(db, chorus, workspaceAuthOf(request).workspace.id, request.params.postId),
  );

  app.patch(
    '/workspaces/:workspaceId/posts/:postId',
    { config: { access: 'posts.draft' }, schema: { tags, summary: 'Edit text, variants, campaign or tags', params: postParams, body: updatePostInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await assertMayEditScheduled(request, request.params.postId);
      return updatePost(chorus, actor, workspace.id, request.params.postId, request.body);
    },
  );

  app.delete('/workspaces/:workspaceId/posts/:postId', { config: { access: 'posts.draft' }, schema: { tags, summary: 'Delete a post', params: postParams } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    await assertMayEditScheduled(request, request.params.postId);
    await deletePost(chorus, actor, workspace.id, request.params.postId);
    return reply.status(204).send();
  });

  app.post(
    '/workspaces/:workspaceId/posts/:postId/schedule',
    { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Schedule for a time (instant, or local time in the workspace zone), or publish now', params: postParams, body: scheduleInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return schedulePost(chorus, actor, workspace.id, request.params.postId, request.body);
    },
  );

  app.post(
    '/workspaces/:workspaceId/posts/import',
    {
      config: { access: 'posts.schedule' },
      schema: { tags, summary: 'Bulk-schedule from CSV (profile, text, when, campaign, tags); every row checked first', params: workspaceParams, body: importInput },
    },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const report = await importCsv(chorus, actor, workspace.id, request.body);
      if (report.refused) {
        throw new AppError(422, 'csv_rows_invalid', `${report.invalid} row(s) have problems; nothing was imported. Fix them, or import only the valid rows.`, { report });
      }
      return report;
    },
  );

  app.post(
    '/workspaces/:workspaceId/posts/:postId/queue',
    {
      config: { access: 'posts.schedule' },
      schema: { tags, summary: "Add to queue: each variant takes its profile's next free posting slot", params: postParams, body: z.object({ variantIds: z.array(z.uuid()).min(1).optional() }) },
    },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return queuePost(chorus, actor, workspace.id, request.params.postId, request.body.variantIds);
    },
  );

  const profileParams = workspaceParams.extend({ profileId: z.uuid() });
  app.get('/workspaces/:workspaceId/profiles/:profileId/slots', { config: { access: 'posts.read' }, schema: { tags, summary: "A profile's weekly posting slots", params: profileParams } }, async (request) => {
    const { workspace } = workspaceAuthOf(request);
    await findProfile(db, workspace.id, request.params.profileId);
    return { slots: await listSlots(db, request.params.profileId) };
  });
  app.put(
    '/workspaces/:workspaceId/profiles/:profileId/slots',
    { config: { access: 'posts.schedule' }, schema: { tags, summary: "Replace a profile's weekly posting slots (workspace time zone)", params: profileParams, body: slotsInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { slots: await setSlots(chorus, actor, workspace.id, request.params.profileId, request.body) };
    },
  );

  app.post('/workspaces/:workspaceId/posts/:postId/unschedule', { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Back to draft', params: postParams } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return unschedulePost(chorus, actor, workspace.id, request.params.postId);
  });

  app.post(
    '/workspaces/:workspaceId/variants/:variantId/reschedule',
    { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Move one scheduled variant to another time', params: variantParams, body: z.object({ when: whenInput }) } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return rescheduleVariant(chorus, actor, workspace.id, request.params.variantId, request.body.when);
    },
  );

  app.post(
    '/workspaces/:workspaceId/variants/:variantId/resolve',
    { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Say whether a post Chorus was unsure about went out', params: variantParams, body: resolveAttentionInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return resolveAttention(chorus, actor, workspace.id, request.params.variantId, request.body);
    },
  );

  app.get('/workspaces/:workspaceId/posts/:postId/notes', { config: { access: 'posts.read' }, schema: { tags, summary: 'Internal notes on a post', params: postParams } }, async (request) => ({
    notes: await listNotes(db, workspaceAuthOf(request).workspace.id, request.params.postId),
  }));
  app.post(
    '/workspaces/:workspaceId/posts/:postId/notes',
    { config: { access: 'posts.draft' }, schema: { tags, summary: 'Add an internal note (never published)', params: postParams, body: noteInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ note: await addNote(db, actor, workspace.id, request.params.postId, request.body) });
    },
  );

  app.get('/workspaces/:workspaceId/campaigns', { config: { access: 'posts.read' }, schema: { tags, summary: 'Campaigns', params: workspaceParams } }, async (request) => ({
    campaigns: await listCampaigns(db, workspaceAuthOf(request).workspace.id),
  }));
  app.post('/workspaces/:workspaceId/campaigns', { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Create a campaign', params: workspaceParams, body: campaignInput } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return reply.status(201).send({ campaign: await createCampaign(db, actor, workspace.id, request.body) });
  });
  app.patch('/workspaces/:workspaceId/campaigns/:campaignId', { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Edit a campaign', params: campaignParams, body: updateCampaignInput } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return { campaign: await updateCampaign(db, actor, workspace.id, request.params.campaignId, request.body) };
  });
  app.delete('/workspaces/:workspaceId/campaigns/:campaignId', { config: { access: 'posts.schedule' }, schema: { tags, summary: 'Delete a campaign (its posts stay)', params: campaignParams } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    await deleteCampaign(db, actor, workspace.id, request.params.campaignId);
    return reply.status(204).send();
  });
}
