import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Config } from '../core/config.ts';
import { openDatabase, redactUrl } from '../core/db.ts';

/**
 * Writes a backup. Embedded installs get a compressed copy of the PGlite data directory (taken
 * with the server stopped, which the data-directory lock enforces); PostgreSQL installs get a
 * pg_dump custom-format archive, taken live.
 */
export async function backup(config: Config, outFile: string): Promise<string> {
  if (config.databaseUrl) {
    await runPgDump(config.databaseUrl, outFile);
    return `PostgreSQL dump of ${redactUrl(config.databaseUrl)} written to ${outFile} (restore with pg_restore).`;
  }
  const database = await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
  await database.close();
  const pglite = await PGlite.create(join(config.dataDir, 'pglite'));
  try {
    const archive = await pglite.dumpDataDir('gzip');
    writeFileSync(outFile, Buffer.from(await archive.arrayBuffer()), { mode: 0o600 });
  } finally {
    await pglite.close();
  }
  return `Embedded database backup written to ${outFile} (restore with: chorus restore ${outFile}).`;
}

/** Restores an embedded backup into an empty data directory. */
export async function restore(config: Config, inFile: string): Promise<string> {
  if (config.databaseUrl) throw new Error('For PostgreSQL, restore with pg_restore; `chorus restore` is for embedded backups.');
  const target = join(config.dataDir, 'pglite');
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new Error(`${target} is not empty. Move it away first; restore never overwrites data.`);
  }
  const archive = new Blob([readFileSync(inFile)]);
  mkdirSync(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(target, { loadDataDir: archive });
  await pglite.query('select 1');
  await pglite.close();
  return `Restored ${inFile} into ${target}.`;
}

function runPgDump(url: string, outFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('pg_dump', ['--format=custom', `--file=${outFile}`, `--dbname=${url}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`Could not run pg_dump (is the PostgreSQL client installed?): ${error.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed: ${stderr.trim().replaceAll(url, redactUrl(url))}`))));
  });
}
