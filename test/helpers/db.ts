import pg from 'pg';
import { openDatabase, type Database } from '../../src/core/db.ts';
import { runMigrations } from '../../src/core/migrate.ts';
import { randomToken } from '../../src/core/crypto.ts';

/** Every database test runs on both backends Chorus supports. */
export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends Database {
  /** For PostgreSQL, a URL to this test's own database (other processes can join it). */
  url: string | null;
}

/**
 * A fresh, migrated database: PGlite in memory, or a new PostgreSQL database created for this
 * test and dropped when it closes, so that tests never see each other's rows.
 */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    await runMigrations(database);
    return Object.assign(database, { url: null });
  }
  const name = `chorus_test_${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const url = await createPostgresDatabase(name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  await runMigrations(database);
  const close = database.close.bind(database);
  return Object.assign(database, {
    url,
    async close() {
      await close();
      await dropPostgresDatabase(name);
    },
  });
}

export async function createPostgresDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
