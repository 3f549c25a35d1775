import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type SqlResult = { rows: Record<string, unknown>[]; rowCount: number };

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Plain SQL with $n parameters; used by the job engine and by code that needs raw SQL. */
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>;
  close(): Promise<void>;
  /**
   * Runs `fn` while holding a cluster-wide lock named by `key`, so that only one process at a time
   * does it (migrations at start). PGlite has one process by construction.
   */
  withExclusiveLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /** Where the data lives, safe to print (no password). */
  describe: string;
}

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string /* undefined: in memory */ }
  | { kind: 'postgres'; url: string; poolSize?: number };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'pglite' ? openPglite(options.dataDir) : openPostgres(options.url, options.poolSize);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let releaseLock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = takeDataDirLock(dataDir);
  }
  try {
    const client = await PGlite.create(dataDir ? join(dataDir, 'pglite') : undefined);
    return {
      kind: 'pglite',
      db: drizzlePglite(client, { schema }) as unknown as Db,
      describe: dataDir ? `embedded PGlite at ${dataDir}` : 'embedded PGlite in memory',
      async executeSql(text, values) {
        // Parameterless statements may hold several commands (pg-boss's schema script does):
        // only `exec` runs those; `query` uses the extended protocol, one statement at a time.
        if (!values || values.length === 0) {
          const results = await client.exec(text);
          const last = results[results.length - 1];
          return { rows: (last?.rows ?? []) as Record<string, unknown>[], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
        }
        const result = await client.query<Record<string, unknown>>(text, values);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      },
      async close() {
        await client.close();
        releaseLock();
      },
      withExclusiveLock: (_key, fn) => fn(),
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * PGlite is one process's database. A second process opening the same files would corrupt them,
 * so the data directory carries a lock naming its owner; a lock left by a dead process is taken over.
 */
export function takeDataDirLock(dataDir: string): () => void {
  const file = join(dataDir, 'chorus.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by another Chorus process (pid ${pid}). ` +
          'Stop it first, or set DATABASE_URL to run several processes on PostgreSQL.',
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const probe = await pool.connect().catch((error: Error) => {
    void pool.end();
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${error.message}`);
  });
  probe.release();
  return {
    kind: 'postgres',
    db: drizzlePg(pool, { schema }) as unknown as Db,
    describe: `PostgreSQL at ${redactUrl(url)}`,
    async executeSql(text, values) {
      const result = await pool.query(text, values as unknown[] | undefined);
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    },
    async close() {
      await pool.end();
    },
    async withExclusiveLock(key, fn) {
      // Session-level advisory locks belong to one connection: hold a dedicated one throughout.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
