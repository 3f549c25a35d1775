import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import * as tar from 'tar';
import type { Config } from '../core/config.ts';
import { redactUrl, takeDataDirLock } from '../core/db.ts';

const MANIFEST = 'chorus-backup.json';

/**
 * Writes a backup. An embedded install's backup is one archive with everything a restore needs:
 * the database (taken under the data-directory lock, so the server must be stopped), the secret
 * key that unlocks the stored network credentials, and the media library's files. A PostgreSQL
 * install gets a pg_dump custom-format archive, taken live; its key is in CHORUS_SECRET_KEY and its
 * media directory is backed up with the file system.
 */
export async function backup(config: Config, outFile: string): Promise<string> {
  if (config.databaseUrl) {
    await runPgDump(config.databaseUrl, outFile);
    return (
      `PostgreSQL dump of ${redactUrl(config.databaseUrl)} written to ${outFile} (restore with pg_restore). ` +
      `Back up ${join(config.dataDir, 'media')} and keep CHORUS_SECRET_KEY with it.`
    );
  }
  const release = takeDataDirLock(config.dataDir);
  const staging = mkdtempSync(join(tmpdir(), 'chorus-backup-'));
  try {
    const pglite = await PGlite.create(join(config.dataDir, 'pglite'));
    try {
      const dump = await pglite.dumpDataDir('gzip');
      writeFileSync(join(staging, 'database.tar.gz'), Buffer.from(await dump.arrayBuffer()));
    } finally {
      await pglite.close();
    }
    const entries = ['database.tar.gz', MANIFEST];
    for (const extra of ['secret.key', 'media']) {
      if (existsSync(join(config.dataDir, extra))) {
        cpSync(join(config.dataDir, extra), join(staging, extra), { recursive: true });
        entries.push(extra);
      }
    }
    writeFileSync(join(staging, MANIFEST), JSON.stringify({ format: 1, kind: 'embedded', createdAt: new Date().toISOString(), contents: entries }));
    await tar.create({ gzip: true, file: outFile, cwd: staging, portable: true }, entries);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
  return `Embedded backup (database, secret key, media) written to ${outFile}. Restore with: chorus restore ${outFile}`;
}

/**
 * Restores an embedded backup into a data directory that has no database yet. It never overwrites:
 * a different secret key already in place is refused rather than replaced.
 */
export async function restore(config: Config, inFile: string): Promise<string> {
  if (config.databaseUrl) throw new Error('For PostgreSQL, restore with pg_restore; `chorus restore` is for embedded backups.');
  const target = join(config.dataDir, 'pglite');
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new Error(`${target} is not empty. Move it away first; restore never overwrites data.`);
  }
  const staging = mkdtempSync(join(tmpdir(), 'chorus-restore-'));
  try {
    await tar.extract({ file: inFile, cwd: staging, strict: true }).catch((error: Error) => {
      throw new Error(`${inFile} is not a Chorus backup (${error.message}).`);
    });
    if (!existsSync(join(staging, MANIFEST)) || !existsSync(join(staging, 'database.tar.gz'))) {
      throw new Error(`${inFile} is not a Chorus backup: it has no ${MANIFEST} or database.`);
    }
    mkdirSync(config.dataDir, { recursive: true });
    const release = takeDataDirLock(config.dataDir);
    try {
      const key = join(staging, 'secret.key');
      const targetKey = join(config.dataDir, 'secret.key');
      if (existsSync(key) && existsSync(targetKey) && readFileSync(key, 'utf8').trim() !== readFileSync(targetKey, 'utf8').trim()) {
        throw new Error(`${targetKey} holds a different key than the backup. Move it away first; restore never overwrites it.`);
      }
      const pglite = await PGlite.create(target, { loadDataDir: new Blob([readFileSync(join(staging, 'database.tar.gz'))]) });
      await pglite.query('select 1');
      await pglite.close();
      if (existsSync(key)) cpSync(key, targetKey, { force: false, errorOnExist: false });
      if (existsSync(join(staging, 'media'))) cpSync(join(staging, 'media'), join(config.dataDir, 'media'), { recursive: true, force: false });
    } finally {
      release();
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return `Restored ${inFile} into ${config.dataDir} (database, secret key, media).`;
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
