import { sql, type SQL } from 'drizzle-orm';
import { boolean, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.ts';
import { teams, workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const CONVERSATION_STATUSES = ['open', 'pending', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const MESSAGE_KINDS = ['mention', 'reply', 'comment', 'quote', 'dm'] as const;

/** One thread with one person on one profile: a mention and its replies, a comment thread, a DM. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    profileId: uuid('profile_id').notNull().references(() => socialProfiles.id, { onDelete: 'cascade' }),
    network: text('network').notNull(),
    /** The network's id for the thread (root post, DM conversation). */
    remoteThreadId: text('remote_thread_id').notNull(),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('open'),
    priority: text('priority', { enum: PRIORITIES }).notNull().default('normal'),
    assigneeUserId: uuid('assignee_user_id').references(() => users.id, { onDelete: 'set null' }),
    assigneeTeamId: uuid('assignee_team_id').references(() => teams.id, { onDelete: 'set null' }),
    tags: text('tags').array().notNull().default([]),
    authorRemoteId: text('author_remote_id').notNull(),
    authorHandle: text('author_handle').notNull(),
    authorName: text('author_name'),
    authorAvatarUrl: text('author_avatar_url'),
    /** The author's follower count as last seen, when the network tells. */
    authorFollowers: integer('author_followers'),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    /** Inbound messages nobody has opened since they arrived. */
    unread: integer('unread').notNull().default(0),
    firstInboundAt: timestamp('first_inbound_at', { withTimezone: true }),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_thread_key').on(t.profileId, t.remoteThreadId),
    index('conversations_queue_idx').on(t.workspaceId, t.status, t.lastMessageAt),
    // Newest first whatever the filters: without it, a list filtered on anything but status (or a
    // search for a common word) sorts every conversation of the workspace to show fifty.
    // Ascending, so that read backwards it gives exactly `last_message_at desc, id desc` (nulls first).
    index('conversations_recent_idx').on(t.workspaceId, t.lastMessageAt, t.id),
    index('conversations_assignee_idx').on(t.assigneeUserId, t.status),
    index('conversations_author_idx').on(t.workspaceId, t.authorRemoteId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    profileId: uuid('profile_id').notNull().references(() => socialProfiles.id, { onDelete: 'cascade' }),
    /** The network's id: what de-duplicates a message seen twice. */
    remoteId: text('remote_id').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    text: text('text').notNull(),
    url: text('url'),
    inReplyTo: text('in_reply_to'),
    authorRemoteId: text('author_remote_id').notNull(),
    authorHandle: text('author_handle').notNull(),
    authorName: text('author_name'),
    /** For replies sent from Chorus: who wrote them. */
    sentByUserId: uuid('sent_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** 'simple' configuration: no stemming for one language, so every language is found by its words. */
    search: tsvector('search').generatedAlwaysAs((): SQL => sql`to_tsvector('simple', coalesce(${messages.text}, '') || ' ' || coalesce(${messages.authorHandle}, ''))`),
  },
  (t) => [
    uniqueIndex('messages_remote_key').on(t.profileId, t.remoteId),
    index('messages_conversation_idx').on(t.conversationId, t.sentAt),
    index('messages_search_idx').using('gin', t.search),
  ],
);

/** Internal notes on a conversation; never sent to the customer. */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid('id').primaryKey(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_idx').on(t.conversationId, t.createdAt)],
);

/** Where each profile's sync stands, and how long to wait after failures. */
export const inboxCursors = pgTable('inbox_cursors', {
  profileId: uuid('profile_id').primaryKey().references(() => socialProfiles.id, { onDelete: 'cascade' }),
  cursor: text('cursor'),
  lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
  nextSyncAt: timestamp('next_sync_at', { withTimezone: true }),
  failures: integer('failures').notNull().default(0),
  lastError: text('last_error'),
});

export interface RuleConditions {
  networks?: string[];
  profileIds?: string[];
  kinds?: (typeof MESSAGE_KINDS)[number][];
  /** Any of these words or phrases, case- and accent-insensitive. */
  keywords?: string[];
  authorHandles?: string[];
  /** BCP 47 language codes; matched once language detection is available. */
  languages?: string[];
  /** positive, neutral, negative; matched once sentiment analysis is available. */
  sentiments?: string[];
}

export interface RuleActions {
  teamId?: string;
  assigneeUserId?: string;
  tags?: string[];
  priority?: (typeof PRIORITIES)[number];
  close?: boolean;
}

/** Ordered routing rules: every matching rule applies, in order; later ones may override. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<RuleConditions>().notNull(),
    actions: jsonb('actions').$type<RuleActions>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('routing_rules_workspace_idx').on(t.workspaceId, t.position)],
);

/** Templates for common answers. Variables such as {{author.name}} are filled in when used. */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    body: text('body').notNull(),
    /** Offered first to this team's members; null: to everyone. */
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('saved_replies_workspace_name_key').on(t.workspaceId, sql`lower(${t.name})`)],
);

/**
 * Service-level targets, in minutes: a team's own, or the workspace default (team null) for
 * conversations no team holds. Nearing breach = past `warnPercent` of the target.
 */
export const slaTargets = pgTable(
  'sla_targets',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    firstResponseMinutes: integer('first_response_minutes'),
    resolutionMinutes: integer('resolution_minutes'),
    warnPercent: integer('warn_percent').notNull().default(75),
  },
  (t) => [uniqueIndex('sla_targets_team_key').on(t.workspaceId, sql`coalesce(${t.teamId}, '00000000-0000-0000-0000-000000000000'::uuid)`)],
);

/**
 * Inbox visibility: a profile listed here is seen only by members of its teams (and by workspace
 * owners and admins). A profile no team claims is seen by everyone who may read the inbox.
 */
export const teamInboxProfiles = pgTable(
  'team_inbox_profiles',
  {
    teamId: uuid('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    profileId: uuid('profile_id').notNull().references(() => socialProfiles.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('team_inbox_profiles_key').on(t.teamId, t.profileId), index('team_inbox_profiles_profile_idx').on(t.profileId)],
);

/** Saved filters: a person's own (userId set) or shared with the workspace (userId null). */
export const inboxViews = pgTable(
  'inbox_views',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    filters: jsonb('filters').$type<Record<string, unknown>>().notNull(),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inbox_views_workspace_idx').on(t.workspaceId, t.userId)],
);

/**
 * Who has a conversation open, and whether they are typing a reply: heartbeats from the web app.
 * A row older than a few seconds is stale and ignored, so a closed tab needs no clean-up.
 */
export const conversationPresence = pgTable(
  'conversation_presence',
  {
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    state: text('state', { enum: ['viewing', 'replying'] }).notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('conversation_presence_key').on(t.conversationId, t.userId)],
);
