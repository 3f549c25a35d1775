import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.ts';
import { organizations, workspaces } from '../workspaces/schema.ts';

/**
 * A social account connected to a workspace (a Bluesky handle, a Mastodon account, a Page …).
 * Credentials are one AES-256-GCM sealed JSON document; nothing secret is stored in clear.
 */
export const socialProfiles = pgTable(
  'social_profiles',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    network: text('network').notNull(),
    /** The network's id for the account (DID, numeric id, URN). */
    accountId: text('account_id').notNull(),
    handle: text('handle').notNull(),
    displayName: text('display_name'),
    avatarUrl: text('avatar_url'),
    profileUrl: text('profile_url'),
    /** PDS or instance base URL for networks with many servers. */
    serviceUrl: text('service_url'),
    credentialsSealed: text('credentials_sealed').notNull(),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
    /**
     * active: works; needs_reconnect: the network refused our credentials, a person must reconnect;
     * disconnected: removed by a person, credentials wiped, kept so that its post history stays.
     */
    status: text('status', { enum: ['active', 'needs_reconnect', 'disconnected'] }).notNull().default('active'),
    statusReason: text('status_reason'),
    connectedBy: uuid('connected_by').references(() => users.id, { onDelete: 'set null' }),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
    checkedAt: timestamp('checked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('social_profiles_account_key').on(t.workspaceId, t.network, t.accountId),
    index('social_profiles_expiry_idx').on(t.tokenExpiresAt),
  ],
);

/**
 * OAuth client settings per organisation and network (and per instance for Mastodon, where
 * Chorus registers itself on each instance it meets). The client secret is sealed.
 */
export const networkApps = pgTable(
  'network_apps',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    network: text('network').notNull(),
    /** '' for networks with one server. */
    instanceUrl: text('instance_url').notNull().default(''),
    clientId: text('client_id').notNull(),
    clientSecretSealed: text('client_secret_sealed'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('network_apps_key').on(t.orgId, t.network, t.instanceUrl)],
);

/** An OAuth authorisation in flight: ties the callback to the person and workspace that began it. */
export const oauthStates = pgTable('oauth_states', {
  id: uuid('id').primaryKey(),
  stateHash: text('state_hash').notNull().unique(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  network: text('network').notNull(),
  instanceUrl: text('instance_url').notNull().default(''),
  codeVerifierSealed: text('code_verifier_sealed').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
