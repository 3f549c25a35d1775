import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { createTestApp, setupOwner } from '../helpers/app.ts';
import type { Backend } from '../helpers/db.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import type { PublishInput } from '../../src/connectors/connector.ts';
import { fakeX } from '../helpers/fake-x.ts';
import type { Mailer } from '../../src/integrations/email.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { postVariants } from '../../src/publishing/schema.ts';
import { notifications } from '../../src/notifications/schema.ts';
import { workspaces } from '../../src/workspaces/schema.ts';

/** A network (shaped like X) that publishes everything it is given and keeps what it got. */
export function acceptingNetwork() {
  const received: PublishInput[] = [];
  const connector = fakeX(async (input) => {
    received.push(input);
    const id = String(received.length);
    return { posts: [{ id, url: `https://x.example/status/${id}` }] };
  });
  return { connector, received };
}

/** Chorus with an owner, one connected X profile and a network that accepts every post. */
export async function approvalsWorld(backend: Backend, options: { work?: boolean; mailer?: Mailer } = {}) {
  const network = acceptingNetwork();
  const t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]), work: options.work ?? false, ...(options.mailer ? { mailer: options.mailer } : {}) });
  const { owner, workspaceId, userId: ownerId } = await setupOwner(t.app);
  const [workspace] = await t.database.db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  const actor = { userId: null, orgId: workspace!.orgId, label: 'test' };
  const profile = await saveConnection(t.database.db, actor, t.chorus.config.secretKey, workspaceId, {
    credentials: { network: 'x', accountId: '1', accessToken: 'token' },
    profile: { id: '1', handle: 'acme' },
  });
  const base = `/api/v1/workspaces/${workspaceId}`;
  const variantsOf = (postId: string) => t.database.db.select().from(postVariants).where(eq(postVariants.postId, postId));
  const notificationsOf = (userId: string) => t.database.db.select().from(notifications).where(eq(notifications.userId, userId));
  const publishJobs = async (variantId: string) =>
    (await t.database.executeSql(`select (data->>'version')::int as version from pgboss.job where name = 'publishing.publish' and data->>'variantId' = $1`, [variantId])).rows;
  return { t, owner, ownerId, workspaceId, orgId: workspace!.orgId, profileId: profile.id, network, base, variantsOf, notificationsOf, publishJobs };
}

export const expectStatus = (response: { statusCode: number; body: string }, status: number) => expect(response.statusCode, response.body).toBe(status);
