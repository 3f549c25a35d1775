import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { campaigns } from './schema.ts';

const fields = {
  name: z.string().trim().min(1).max(120),
  goal: z.string().trim().max(1000),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #4f46e5.'),
  startsOn: z.iso.date().nullable(),
  endsOn: z.iso.date().nullable(),
};
export const campaignInput = z.object({ ...fields, goal: fields.goal.default(''), color: fields.color.default('#4f46e5'), startsOn: fields.startsOn.default(null), endsOn: fields.endsOn.default(null) });
export const updateCampaignInput = z.object(fields).partial();

const checkDates = (startsOn: string | null | undefined, endsOn: string | null | undefined) => {
  if (startsOn && endsOn && endsOn < startsOn) throw invalid('endsOn', 'A campaign cannot end before it starts.');
};

export const listCampaigns = (db: Db, workspaceId: string) =>
  db.select().from(campaigns).where(eq(campaigns.workspaceId, workspaceId)).orderBy(asc(campaigns.name));

export async function createCampaign(db: Db, actor: Actor, workspaceId: string, input: z.infer<typeof campaignInput>) {
  checkDates(input.startsOn, input.endsOn);
  return db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), sql`lower(${campaigns.name}) = lower(${input.name})`));
    if (clash) throw conflict('campaign_name_taken', 'A campaign with this name exists already.', 'name');
    const [campaign] = await tx.insert(campaigns).values({ id: newId(), workspaceId, ...input, createdAt: now() }).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'campaign.created', targetType: 'campaign', targetId: campaign!.id, after: input });
    return campaign!;
  });
}

export async function updateCampaign(db: Db, actor: Actor, workspaceId: string, campaignId: string, input: z.infer<typeof updateCampaignInput>) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(campaigns).where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId))).for('update');
    if (!before) throw notFound('campaign');
    checkDates(input.startsOn === undefined ? before.startsOn : input.startsOn, input.endsOn === undefined ? before.endsOn : input.endsOn);
    const [campaign] = await tx.update(campaigns).set(input).where(eq(campaigns.id, campaignId)).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'campaign.updated', targetType: 'campaign', targetId: campaignId, before, after: campaign });
    return campaign!;
  });
}

export async function deleteCampaign(db: Db, actor: Actor, workspaceId: string, campaignId: string) {
  await db.transaction(async (tx) => {
    const [gone] = await tx.delete(campaigns).where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId))).returning();
    if (!gone) throw notFound('campaign');
    await recordAudit(tx, actor, { workspaceId, action: 'campaign.deleted', targetType: 'campaign', targetId: campaignId, before: gone });
  });
}
