import { bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/schema.ts';

/** How a workspace's links are tracked. One row per workspace; absent means the defaults. */
export const linkSettings = pgTable('link_settings', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  shortenLinks: boolean('shorten_links').notNull().default(true),
  utmMedium: text('utm_medium').notNull().default('social'),
  /** Fallback utm_campaign for posts outside a campaign; empty leaves it out. */
  defaultCampaign: text('default_campaign').notNull().default(''),
});

/**
 * A tracked short link: one per URL per published variant, so that a click tells which post on
 * which network brought it. Ids of posts and variants are kept as plain values: this domain does
 * not reach into publishing's tables.
 */
export const trackedLinks = pgTable(
  'tracked_links',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    /** The destination with its UTM parameters. */
    targetUrl: text('target_url').notNull(),
    originalUrl: text('original_url').notNull(),
    postId: uuid('post_id'),
    variantId: uuid('variant_id'),
    /** Which URL of the text (0, 1, …): a retried publish finds the same link again. */
    position: integer('position').notNull().default(0),
    network: text('network'),
    campaignId: uuid('campaign_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tracked_links_code_key').on(t.code),
    uniqueIndex('tracked_links_variant_position_key').on(t.variantId, t.position),
    index('tracked_links_post_idx').on(t.postId),
  ],
);

/** A click. No IP address is stored: only what reports need. */
export const linkClicks = pgTable(
  'link_clicks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    linkId: uuid('link_id').notNull().references(() => trackedLinks.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Host of the referring page only, e.g. t.co or bsky.app. */
    referrerHost: text('referrer_host'),
    /** mobile, desktop, bot or other. */
    agentClass: text('agent_class').notNull(),
  },
  (t) => [index('link_clicks_link_at_idx').on(t.linkId, t.at)],
);
