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
