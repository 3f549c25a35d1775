import { z } from 'zod';
import type { Config } from '../core/config.ts';
import { openConfiguredDatabase } from '../instance.ts';
import { runMigrations } from '../core/migrate.ts';
import { createOwner, needsSetup } from '../auth/setup.ts';
import { createUser } from '../auth/admin.ts';
import { passwordSchema } from '../auth/passwords.ts';

export interface UserCreateOptions {
  email: string;
  name: string;
  orgRole: 'owner' | 'admin' | 'member';
  organization?: string;
  workspace?: string;
  timezone?: string;
}

/**
 * Creates a user from the terminal. On a fresh install the first user becomes the organisation's
 * owner (the same as the web app's first-run screen); later users join that organisation.
 */
export async function userCreate(config: Config, options: UserCreateOptions, password: string): Promise<string> {
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new Error(`Password: ${checked.error.issues[0]?.message}`);
  const email = z.email().safeParse(options.email);
  if (!email.success) throw new Error(`Not an email address: ${options.email}`);
  const database = await openConfiguredDatabase(config);
  try {
    await runMigrations(database);
    if (await needsSetup(database.db)) {
      const owner = await createOwner(database.db, {
        organizationName: options.organization ?? 'My organisation',
        name: options.name,
        email: options.email,
        password,
        workspaceName: options.workspace ?? 'Main',
        timezone: options.timezone ?? 'UTC',
      });
      return `Created owner ${owner.email} of a new organisation.`;
    }
    const user = await createUser(database.db, { email: options.email, name: options.name, orgRole: options.orgRole, password });
    return `Created ${user.orgRole} ${user.email}.`;
  } finally {
    await database.close();
  }
}
