import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { now } from '../core/clock.ts';
import { newId, randomToken, sha256 } from '../core/crypto.ts';
import { notFound, unauthorized } from '../core/errors.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { apiTokens } from './schema.ts';
import { findUserById, type User } from './users.ts';

/** Personal tokens start with this, so secret scanners and people can recognise them. */
export const TOKEN_PREFIX = 'chorus_pat_';

export const createTokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  expiresAt: z.coerce.date().optional(),
});

type ApiToken = typeof apiTokens.$inferSelect;

export const publicToken = (token: ApiToken) => ({
  id: token.id,
  name: token.name,
  prefix: token.prefix,
  createdAt: token.createdAt,
  lastUsedAt: token.lastUsedAt,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
});

/** Creates a token and returns its secret: the only time anyone sees it. */
export async function createApiToken(db: Db, actor: Actor, user: User, input: z.infer<typeof createTokenInput>) {
  const secret = TOKEN_PREFIX + randomToken(30);
  return db.transaction(async (tx) => {
    const [token] = await tx
      .insert(apiTokens)
      .values({
        id: newId(),
        userId: user.id,
        name: input.name,
        tokenHash: sha256(secret),
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        createdAt: now(),
        expiresAt: input.expiresAt ?? null,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: token!.id,
      after: { name: token!.name, prefix: token!.prefix, expiresAt: token!.expiresAt },
    });
    return { token: token!, secret };
  });
}

export async function listApiTokens(db: Db, userId: string) {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(db: Db, actor: Actor, userId: string, tokenId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [token] = await tx
      .update(apiTokens)
      .set({ revokedAt: now() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!token) throw notFound('api_token');
    await recordAudit(tx, actor, {
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: token.id,
      before: { name: token.name, prefix: token.prefix },
    });
  });
}

export async function resolveApiToken(db: Db, secret: string): Promise<{ user: User; token: ApiToken }> {
  const invalid = () => unauthorized('token_invalid', 'The API token is not valid, has expired or was revoked.');
  if (!secret.startsWith(TOKEN_PREFIX)) throw invalid();
  const [token] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, sha256(secret))).limit(1);
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now())) throw invalid();
  const user = await findUserById(db, token.userId);
  if (!user || user.disabledAt) throw invalid();
  // Written at most once a minute so that a busy integration does not turn reads into writes.
  if (!token.lastUsedAt || now().getTime() - token.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now() }).where(eq(apiTokens.id, token.id));
  }
  return { user, token };
}
