import { and, count, eq, inArray, max } from 'drizzle-orm';
import LinkifyIt from 'linkify-it';
import { z } from 'zod';
import type { Queryable } from '../core/db.ts';
import { newId, randomToken } from '../core/crypto.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { linkClicks, linkSettings, trackedLinks } from './schema.ts';

export const linkSettingsInput = z.object({
  shortenLinks: z.boolean(),
  utmMedium: z.string().trim().min(1).max(60),
  defaultCampaign: z.string().trim().max(100),
});
export type LinkSettings = z.infer<typeof linkSettingsInput>;

const DEFAULTS: LinkSettings = { shortenLinks: true, utmMedium: 'social', defaultCampaign: '' };

export async function getLinkSettings(db: Queryable, workspaceId: string): Promise<LinkSettings> {
  const [row] = await db.select().from(linkSettings).where(eq(linkSettings.workspaceId, workspaceId));
  return row ? { shortenLinks: row.shortenLinks, utmMedium: row.utmMedium, defaultCampaign: row.defaultCampaign } : DEFAULTS;
}

export async function setLinkSettings(db: Queryable, actor: Actor, workspaceId: string, input: LinkSettings) {
  const before = await getLinkSettings(db, workspaceId);
  await db.insert(linkSettings).values({ workspaceId, ...input }).onConflictDoUpdate({ target: linkSettings.workspaceId, set: input });
  await recordAudit(db, actor, { workspaceId, action: 'links.settings_updated', targetType: 'workspace', targetId: workspaceId, before, after: input });
}

// Only links written out with http(s)://: a bare "example.com" is left as the author wrote it.
const linkify = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });

/** The http(s) URLs of a text with their positions (UTF-16 offsets), Unicode paths included. */
export function findUrls(text: string): { url: string; start: number; end: number }[] {
  return (linkify.match(text) ?? [])
    .filter((m) => /^https?:\/\//i.test(m.raw))
    .map((m) => ({ url: m.raw, start: m.index, end: m.lastIndex }));
}

/** The campaign name as a UTM value: lower case, words joined by hyphens. */
export const utmValue = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Adds UTM parameters, keeping any the author already put in the URL. */
export function withUtm(url: string, utm: Record<string, string>): string {
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(utm)) if (value && !parsed.searchParams.has(key)) parsed.searchParams.set(key, value);
  return parsed.toString();
}

export interface TrackContext {
  workspaceId: string;
  postId: string;
  variantId: string;
  network: string;
  campaignId: string | null;
  campaignName: string | null;
  /** Chorus's public address: short links are `${baseUrl}/l/${code}`. */
  baseUrl: string;
}

/**
 * Replaces each URL of a variant's text with a tracked short link carrying UTM tags
 * (utm_source = network, utm_medium = workspace default, utm_campaign = campaign). Links are keyed
 * by variant and position, so calling this again (a retried publish) gives the same text.
 */
export async function trackLinks(db: Queryable, text: string, ctx: TrackContext): Promise<string> {
  const settings = await getLinkSettings(db, ctx.workspaceId);
  const urls = findUrls(text);
  if (!settings.shortenLinks || urls.length === 0) return text;
  const existing = await db.select().from(trackedLinks).where(eq(trackedLinks.variantId, ctx.variantId));
  const campaign = utmValue(ctx.campaignName ?? settings.defaultCampaign);
  let result = '';
  let cursor = 0;
  for (const [position, found] of urls.entries()) {
    let link = existing.find((l) => l.position === position && l.originalUrl === found.url);
    if (!link) {
      const targetUrl = withUtm(found.url, { utm_source: ctx.network, utm_medium: settings.utmMedium, utm_campaign: campaign });
      [link] = await db
        .insert(trackedLinks)
        .values({
          id: newId(),
          workspaceId: ctx.workspaceId,
          code: randomToken(6),
          targetUrl,
          originalUrl: found.url,
          postId: ctx.postId,
          variantId: ctx.variantId,
          position,
          network: ctx.network,
          campaignId: ctx.campaignId,
          createdAt: now(),
        })
        .onConflictDoUpdate({ target: [trackedLinks.variantId, trackedLinks.position], set: { originalUrl: found.url, targetUrl } })
        .returning();
    }
    result += text.slice(cursor, found.start) + `${ctx.baseUrl}/l/${link!.code}`;
    cursor = found.end;
  }
  return result + text.slice(cursor);
}

/** Coarse kind of client, from its User-Agent; the header itself is not kept. */
export function agentClass(userAgent: string | undefined): 'bot' | 'mobile' | 'desktop' | 'other' {
  if (!userAgent) return 'other';
  if (/bot|crawl|spider|preview|facebookexternalhit|slurp|embedly|bluesky cardyb/i.test(userAgent)) return 'bot';
  if (/mobile|android|iphone|ipad/i.test(userAgent)) return 'mobile';
  if (/windows|macintosh|x11|linux|cros/i.test(userAgent)) return 'desktop';
  return 'other';
}

const hostOf = (referrer: string | undefined) => {
  try {
    return referrer ? new URL(referrer).hostname.slice(0, 253) : null;
  } catch {
    return null;
  }
};

/** Resolves a short link and counts the click. Null for unknown codes. */
export async function followLink(db: Queryable, code: string, request: { referrer?: string; userAgent?: string }): Promise<string | null> {
  if (!/^[\w-]{4,32}$/.test(code)) return null;
  const [link] = await db.select({ id: trackedLinks.id, targetUrl: trackedLinks.targetUrl }).from(trackedLinks).where(eq(trackedLinks.code, code));
  if (!link) return null;
  await db.insert(linkClicks).values({ linkId: link.id, at: now(), referrerHost: hostOf(request.referrer), agentClass: agentClass(request.userAgent) });
  return link.targetUrl;
}

/** A post's links with their clicks (bots left out), for the post view and reports. */
export async function linkStats(db: Queryable, workspaceId: string, postId: string) {
  const links = await db.select().from(trackedLinks).where(and(eq(trackedLinks.workspaceId, workspaceId), eq(trackedLinks.postId, postId)));
  if (links.length === 0) return [];
  const clicks = await db
    .select({ linkId: linkClicks.linkId, clicks: count(), lastClickAt: max(linkClicks.at) })
    .from(linkClicks)
    .where(and(inArray(linkClicks.linkId, links.map((l) => l.id)), inArray(linkClicks.agentClass, ['mobile', 'desktop', 'other'])))
    .groupBy(linkClicks.linkId);
  return links.map((l) => ({
    code: l.code,
    network: l.network,
    originalUrl: l.originalUrl,
    targetUrl: l.targetUrl,
    variantId: l.variantId,
    clicks: clicks.find((c) => c.linkId === l.id)?.clicks ?? 0,
    lastClickAt: clicks.find((c) => c.linkId === l.id)?.lastClickAt ?? null,
  }));
}
