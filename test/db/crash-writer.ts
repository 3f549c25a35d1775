// Writes teams (each with its audit event, in one transaction) into an embedded database until
// killed. Used by crash.test.ts, which kills it at a random moment and checks what is left.
import { openDatabase } from '../../src/core/db.ts';
import { runMigrations } from '../../src/core/migrate.ts';
import { createOwner, needsSetup } from '../../src/auth/setup.ts';
import { createTeam } from '../../src/workspaces/teams.ts';
import { workspaces } from '../../src/workspaces/schema.ts';

const dataDir = process.argv[2]!;
const database = await openDatabase({ kind: 'pglite', dataDir });
await runMigrations(database);
if (await needsSetup(database.db)) {
  await createOwner(database.db, {
    organizationName: 'Crash Co',
    name: 'Owner',
    email: 'owner@crash.example',
    password: 'crash password 1',
    workspaceName: 'Main',
    timezone: 'UTC',
  });
}
const [workspace] = await database.db.select().from(workspaces).limit(1);
const actor = { userId: null, orgId: workspace!.orgId, label: 'crash test' };
for (let i = 0; ; i++) {
  await createTeam(database.db, actor, workspace!.id, { name: `team ${process.pid}-${i}`, description: 'x'.repeat(2000) });
  process.stdout.write(`wrote ${i}\n`);
}
