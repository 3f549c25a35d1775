import { and, asc, eq, ne } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { AppError, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { z } from 'zod';
import type { Connector, ConnectResult, Credentials, NetworkId, OAuthApp } from '../connectors/connector.ts';
import { AuthExpired, InvalidCredentials, isConnectorError, PermissionDenied, type ConnectorError } from '../connectors/errors.ts';
import { socialProfiles } from './schema.ts';
import { workspaces } from '../workspaces/schema.ts';
import { oauthAppFor } from './oauth.ts';
import { mergeCredentials, openCredentials, sealCredentials } from './credentials.ts';

export type SocialProfile = typeof socialProfiles.$inferSelect;

export const SYSTEM_ACTOR_LABEL = 'Chorus';

/** What the API shows of a profile: never its credentials. */
export const publicProfile = (p: SocialProfile) => ({
  id: p.id,
  network: p.network,
  accountId: p.accountId,
  handle: p.handle,
  displayName: p.displayName,
  avatarUrl: p.avatarUrl,
  profileUrl: p.profileUrl,
  serviceUrl: p.serviceUrl,
  status: p.status,
  statusReason: p.statusReason,
  tokenExpiresAt: p.tokenExpiresAt,
  connectedAt: p.connectedAt,
  checkedAt: p.checkedAt,
});

export function connectorOrThrow(chorus: Pick<Chorus, 'connectors'>, network: string): Connector {
  const connector = chorus.connectors.get(network as NetworkId);
  if (!connector) throw new AppError(404, 'network_not_supported', `Chorus cannot connect to "${network}".`);
  return connector;
}

/**
 * Connector failures at connect time are the user's to fix (wrong password, a URL that is not a
 * Mastodon server) or the network's fault; either way they get the network's own words.
 */
export function connectError(error: unknown): never {
  if (!isConnectorError(error)) throw error;
  const e = error as ConnectorError;
  const status =
    e.code === 'rate_limited' ? 429 : e.code === 'transient' || e.code === 'outcome_unknown' ? 503 : e.code === 'invalid_response' ? 502 : 422;
  throw new AppError(status, e.code, e.message, { network: e.network });
}

export async function listProfiles(db: Queryable, workspaceId: string) {
  return db
    .select()
    .from(socialProfiles)
    .where(and(eq(socialProfiles.workspaceId, workspaceId), ne(socialProfiles.status, 'disconnected')))
    .orderBy(asc(socialProfiles.network), asc(socialProfiles.handle));
}

export async function findProfile(db: Queryable, workspaceId: string, profileId: string): Promise<SocialProfile> {
  const [profile] = await db
    .select()
    .from(socialProfiles)
    .where(and(eq(socialProfiles.id, profileId), eq(socialProfiles.workspaceId, workspaceId)));
  if (!profile) throw notFound('profile');
  return profile;
}

/**
 * Stores a successful connection. Connecting an account the workspace already has updates it in
 * place (a reconnect), keeping its id so that posts and conversations stay attached.
 */
export async function saveConnection(db: Db, actor: Actor, key: Buffer, workspaceId: string, result: ConnectResult): Promise<SocialProfile> {
  const { credentials, profile } = result;
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(socialProfiles)
      .where(
        and(
          eq(socialProfiles.workspaceId, workspaceId),
          eq(socialProfiles.network, credentials.network),
          eq(socialProfiles.accountId, credentials.accountId),
        ),
      )
      .for('update');
    const merged = mergeCredentials(existing ? openCredentials(existing.credentialsSealed, key) : null, credentials);
    const values = {
      handle: profile.handle,
      displayName: profile.displayName ?? null,
      avatarUrl: profile.avatarUrl ?? null,
      profileUrl: profile.url ?? null,
      serviceUrl: credentials.serviceUrl ?? null,
      credentialsSealed: sealCredentials(merged, key),
      tokenExpiresAt: merged.expiresAt ? new Date(merged.expiresAt) : null,
      status: 'active' as const,
      statusReason: null,
      checkedAt: now(),
    };
    const [saved] = existing
      ? await tx.update(socialProfiles).set(values).where(eq(socialProfiles.id, existing.id)).returning()
      : await tx
          .insert(socialProfiles)
          .values({
            ...values,
            id: newId(),
            workspaceId,
            network: credentials.network,
            accountId: credentials.accountId,
            connectedBy: actor.userId,
            connectedAt: now(),
          })
          .returning();
    await recordAudit(tx, actor, {
      workspaceId,
      action: existing ? 'profile.reconnected' : 'profile.connected',
      targetType: 'profile',
      targetId: saved!.id,
      ...(existing ? { before: { status: existing.status, handle: existing.handle } } : {}),
      after: { network: saved!.network, handle: saved!.handle, scopes: merged.scopes ?? null },
    });
    return saved!;
  });
}

/**
 * Disconnects a profile: its credentials are wiped and it leaves the profile list, but the row stays
 * so that the posts it published keep their history. Connecting the same account again revives it.
 */
export async function disconnectProfile(db: Db, actor: Actor, key: Buffer, workspaceId: string, profileId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const profile = await findProfile(tx, workspaceId, profileId);
    if (profile.status === 'disconnected') throw notFound('profile');
    await tx
      .update(socialProfiles)
      .set({
        status: 'disconnected',
        statusReason: `Disconnected by ${actor.label}`,
        credentialsSealed: sealCredentials({ network: profile.network as NetworkId, accountId: profile.accountId, accessToken: '' }, key),
        tokenExpiresAt: null,
        checkedAt: now(),
      })
      .where(eq(socialProfiles.id, profile.id));
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'profile.disconnected',
      targetType: 'profile',
      targetId: profile.id,
      before: { network: profile.network, handle: profile.handle, status: profile.status },
    });
  });
}

/** True for failures only a person can fix by connecting the account again. */
export const needsPerson = (error: unknown) =>
  error instanceof AuthExpired || error instanceof PermissionDenied || error instanceof InvalidCredentials;

export async function markNeedsReconnect(db: Db, profile: SocialProfile, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(socialProfiles).set({ status: 'needs_reconnect', statusReason: reason, checkedAt: now() }).where(eq(socialProfiles.id, profile.id));
    const [workspace] = await tx.select({ orgId: workspaces.orgId }).from(workspaces).where(eq(workspaces.id, profile.workspaceId));
    // A system action: no user, labelled as Chorus itself.
    await recordAudit(tx, { userId: null, orgId: workspace!.orgId, label: SYSTEM_ACTOR_LABEL }, {
      workspaceId: profile.workspaceId,
      action: 'profile.needs_reconnect',
      targetType: 'profile',
      targetId: profile.id,
      before: { status: profile.status },
      after: { status: 'needs_reconnect', reason },
    });
  });
}

/**
 * The profile's live credentials, refreshed first when they are about to expire. Callers
 * (publisher, inbox sync) get either working credentials or a typed error; a dead account is
 * flagged for reconnection on the way.
 */
export async function credentialsFor(chorus: Chorus, profile: SocialProfile): Promise<Credentials> {
  const key = chorus.config.secretKey;
  const connector = connectorOrThrow(chorus, profile.network);
  const credentials = openCredentials(profile.credentialsSealed, key);
  if (profile.status === 'disconnected') {
    throw new InvalidCredentials(profile.network, `${profile.handle} was disconnected from this workspace; connect it again to publish.`);
  }
  if (profile.status === 'needs_reconnect') {
    throw new AuthExpired(profile.network, profile.statusReason ?? 'This account needs to be connected again.');
  }
  if (!connector.needsRefresh(credentials, now())) return credentials;
  try {
    const app = await oauthAppFor(chorus, profile.workspaceId, profile.network, profile.serviceUrl ?? '');
    const fresh = mergeCredentials(credentials, await connector.refresh(credentials, app ?? undefined));
    await chorus.db
      .update(socialProfiles)
      .set({ credentialsSealed: sealCredentials(fresh, key), tokenExpiresAt: fresh.expiresAt ? new Date(fresh.expiresAt) : null, checkedAt: now() })
      .where(eq(socialProfiles.id, profile.id));
    return fresh;
  } catch (error) {
    if (needsPerson(error)) await markNeedsReconnect(chorus.db, profile, (error as Error).message);
    throw error;
  }
}

/** Checks a profile against its network now: refreshes what the network says about it. */
export async function checkProfile(chorus: Chorus, profile: SocialProfile): Promise<SocialProfile> {
  try {
    const credentials = await credentialsFor(chorus, profile);
    const remote = await connectorOrThrow(chorus, profile.network).getProfile(credentials);
    const [updated] = await chorus.db
      .update(socialProfiles)
      .set({ handle: remote.handle, displayName: remote.displayName ?? null, avatarUrl: remote.avatarUrl ?? null, checkedAt: now() })
      .where(eq(socialProfiles.id, profile.id))
      .returning();
    return updated!;
  } catch (error) {
    if (needsPerson(error) && profile.status !== 'needs_reconnect') await markNeedsReconnect(chorus.db, profile, (error as Error).message);
    if (needsPerson(error)) return findProfile(chorus.db, profile.workspaceId, profile.id);
    throw error;
  }
}

/**
 * Networks where one sign-in grants several accounts (Facebook Pages, Instagram accounts behind
 * them) connect the first and list the others in `extra.otherPages`; these connectors can switch
 * to another without a new sign-in.
 */
type SiblingSelect = (app: OAuthApp, credentials: Credentials, accountId: string) => Promise<ConnectResult>;
export function siblingSelector(connector: Connector): SiblingSelect | null {
  const c = connector as Connector & { selectPage?: SiblingSelect; selectAccount?: SiblingSelect };
  return c.selectPage?.bind(c) ?? c.selectAccount?.bind(c) ?? null;
}

const siblingList = z.array(z.object({ id: z.string(), name: z.string() }));

/** The other accounts the profile's sign-in could also connect, minus those already connected. */
export async function otherAccounts(chorus: Chorus, profile: SocialProfile) {
  const credentials = openCredentials(profile.credentialsSealed, chorus.config.secretKey);
  const parsed = siblingList.safeParse(JSON.parse(credentials.extra?.otherPages ?? '[]'));
  if (!parsed.success || !siblingSelector(connectorOrThrow(chorus, profile.network))) return [];
  const connected = await listProfiles(chorus.db, profile.workspaceId);
  return parsed.data.filter((a) => !connected.some((p) => p.network === profile.network && p.accountId === a.id));
}

export async function connectOtherAccount(chorus: Chorus, actor: Actor, profile: SocialProfile, accountId: string) {
  const connector = connectorOrThrow(chorus, profile.network);
  const select = siblingSelector(connector);
  if (!select) throw new AppError(400, 'not_supported', `${connector.info.displayName} connects one account per sign-in.`);
  if (!(await otherAccounts(chorus, profile)).some((a) => a.id === accountId)) throw notFound('account');
  const app = await oauthAppFor(chorus, profile.workspaceId, profile.network, profile.serviceUrl ?? '');
  if (!app) throw new AppError(409, 'network_not_configured', 'The app credentials for this network were removed. Ask an admin.');
  const result = await select(app, openCredentials(profile.credentialsSealed, chorus.config.secretKey), accountId).catch(connectError);
  return saveConnection(chorus.db, actor, chorus.config.secretKey, profile.workspaceId, result);
}
