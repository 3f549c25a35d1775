import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Db } from '../core/db.ts';
import { addSeconds, now } from '../core/clock.ts';
import { decryptSecret, encryptSecret, newId, sha256 } from '../core/crypto.ts';
import { AppError, badRequest, notFound } from '../core/errors.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import type { User } from '../auth/users.ts';
import type { OAuth2Flow, OAuthApp } from '../connectors/connector.ts';
import { networkApps, oauthStates } from './schema.ts';
import { connectError, connectorOrThrow, saveConnection, type SocialProfile } from './service.ts';

const STATE_TTL_SECONDS = 15 * 60;

export const networkAppInput = z.object({
  clientId: z.string().trim().min(1).max(500),
  /** Leave out (or empty) to keep the stored secret. */
  clientSecret: z.string().max(2000).optional(),
});

export const startAuthorizationInput = z.object({
  network: z.string().min(1).max(30),
  /** Mastodon: the instance, e.g. https://mastodon.social. */
  instanceUrl: z.url().optional(),
});

/** Where networks send the user back after they approve Chorus. Registered with each network. */
export const redirectUriFor = (chorus: Pick<Chorus, 'config'>, network: string) => `${chorus.config.publicUrl}/api/v1/oauth/callback/${network}`;

/** Instance URLs compare by origin: https://Mastodon.Social/ and https://mastodon.social are one. */
export function normaliseInstanceUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.hostname !== 'localhost' && parsed.hostname !== '127.0.0.1') {
    throw badRequest('instance_url_insecure', 'Use an https:// address for the instance.', 'instanceUrl');
  }
  return parsed.origin.toLowerCase();
}

function oauthFlow(chorus: Chorus, network: string): OAuth2Flow {
  const connector = connectorOrThrow(chorus, network);
  if (connector.auth.kind !== 'oauth2') {
    throw badRequest('not_oauth', `${connector.info.displayName} connects with an app password, not OAuth.`, 'network');
  }
  return connector.auth;
}

async function orgOf(db: Db, workspaceId: string): Promise<string> {
  const [workspace] = await db.select({ orgId: workspaces.orgId }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) throw notFound('workspace');
  return workspace.orgId;
}

export async function oauthAppFor(chorus: Chorus, workspaceId: string, network: string, instanceUrl: string): Promise<OAuthApp | null> {
  const orgId = await orgOf(chorus.db, workspaceId);
  const [row] = await chorus.db
    .select()
    .from(networkApps)
    .where(and(eq(networkApps.orgId, orgId), eq(networkApps.network, network), eq(networkApps.instanceUrl, instanceUrl)));
  if (!row) return null;
  return {
    clientId: row.clientId,
    ...(row.clientSecretSealed ? { clientSecret: decryptSecret(row.clientSecretSealed, chorus.config.secretKey) } : {}),
    redirectUri: redirectUriFor(chorus, network),
    ...(instanceUrl ? { instanceUrl } : {}),
  };
}

export async function listNetworkApps(db: Db, orgId: string) {
  const rows = await db.select().from(networkApps).where(eq(networkApps.orgId, orgId));
  return rows.map((r) => ({ network: r.network, instanceUrl: r.instanceUrl || null, clientId: r.clientId, hasSecret: r.clientSecretSealed !== null, updatedAt: r.updatedAt }));
}

/** Saves an organisation's OAuth client for a network. An empty secret keeps the stored one. */
export async function setNetworkApp(chorus: Chorus, actor: Actor, network: string, input: z.infer<typeof networkAppInput>) {
  oauthFlow(chorus, network);
  const sealed = input.clientSecret ? encryptSecret(input.clientSecret, chorus.config.secretKey) : undefined;
  await chorus.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(networkApps)
      .where(and(eq(networkApps.orgId, actor.orgId), eq(networkApps.network, network), eq(networkApps.instanceUrl, '')));
    if (existing) {
      await tx
        .update(networkApps)
        .set({ clientId: input.clientId, ...(sealed ? { clientSecretSealed: sealed } : {}), updatedAt: now() })
        .where(eq(networkApps.id, existing.id));
    } else {
      await tx.insert(networkApps).values({ id: newId(), orgId: actor.orgId, network, clientId: input.clientId, clientSecretSealed: sealed ?? null, updatedAt: now() });
    }
    await recordAudit(tx, actor, {
      action: existing ? 'network_app.updated' : 'network_app.created',
      targetType: 'network_app',
      targetId: network,
      after: { clientId: input.clientId, secretChanged: sealed !== undefined },
    });
  });
}

/**
 * Begins connecting an account: returns the network's consent URL. The state (hashed) and the
 * PKCE verifier (sealed) are kept server-side, bound to this user and workspace.
 */
export async function startAuthorization(chorus: Chorus, user: User, workspaceId: string, input: z.infer<typeof startAuthorizationInput>) {
  const flow = oauthFlow(chorus, input.network);
  let instanceUrl = '';
  let app: OAuthApp | null;
  if (flow.registerApp) {
    if (!input.instanceUrl) throw new AppError(422, 'validation_failed', 'Give the address of the instance to connect to.', { field: 'instanceUrl' });
    instanceUrl = normaliseInstanceUrl(input.instanceUrl);
    app = (await oauthAppFor(chorus, workspaceId, input.network, instanceUrl)) ?? (await registerOnInstance(chorus, flow, workspaceId, input.network, instanceUrl));
  } else {
    app = await oauthAppFor(chorus, workspaceId, input.network, '');
    if (!app) {
      throw new AppError(409, 'network_not_configured', `An organisation admin must first enter Chorus's ${input.network} app credentials in Settings.`);
    }
  }
  const request = flow.authorizationUrl(app);
  await chorus.db.insert(oauthStates).values({
    id: newId(),
    stateHash: sha256(request.state),
    workspaceId,
    userId: user.id,
    network: input.network,
    instanceUrl,
    codeVerifierSealed: encryptSecret(request.codeVerifier, chorus.config.secretKey),
    createdAt: now(),
    expiresAt: addSeconds(now(), STATE_TTL_SECONDS),
  });
  return { authorizationUrl: request.url };
}

/** Mastodon: Chorus registers itself once per instance, the first time someone connects there. */
async function registerOnInstance(chorus: Chorus, flow: OAuth2Flow, workspaceId: string, network: string, instanceUrl: string): Promise<OAuthApp> {
  const app = await flow
    .registerApp!(instanceUrl, { clientName: 'Chorus', redirectUri: redirectUriFor(chorus, network), website: chorus.config.publicUrl })
    .catch(connectError);
  await chorus.db
    .insert(networkApps)
    .values({
      id: newId(),
      orgId: await orgOf(chorus.db, workspaceId),
      network,
      instanceUrl,
      clientId: app.clientId,
      clientSecretSealed: app.clientSecret ? encryptSecret(app.clientSecret, chorus.config.secretKey) : null,
      updatedAt: now(),
    })
    .onConflictDoNothing();
  return { ...app, instanceUrl, redirectUri: redirectUriFor(chorus, network) };
}

/**
 * The network sent the user back. The state must be one we issued, unused, unexpired, and issued
 * to the same signed-in user: otherwise someone could attach their account to a victim's workspace.
 */
export async function finishAuthorization(
  chorus: Chorus,
  user: User,
  actor: Actor,
  network: string,
  input: { code: string; state: string },
): Promise<SocialProfile> {
  const [state] = await chorus.db
    .update(oauthStates)
    .set({ usedAt: now() })
    .where(and(eq(oauthStates.stateHash, sha256(input.state)), eq(oauthStates.network, network), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now())))
    .returning();
  if (!state || state.userId !== user.id) {
    throw new AppError(400, 'oauth_state_invalid', 'This sign-in link has expired or was not started by you. Start connecting again.');
  }
  const flow = oauthFlow(chorus, network);
  const app = await oauthAppFor(chorus, state.workspaceId, network, state.instanceUrl);
  if (!app) throw new AppError(409, 'network_not_configured', 'The app credentials for this network were removed. Ask an admin.');
  const codeVerifier = decryptSecret(state.codeVerifierSealed, chorus.config.secretKey);
  const result = await flow.completeAuthorization(app, { code: input.code, codeVerifier }).catch(connectError);
  return saveConnection(chorus.db, actor, chorus.config.secretKey, state.workspaceId, result);
}
