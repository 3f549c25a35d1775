import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db.ts';
import { users } from '../../src/auth/schema.ts';
import { workspaces } from '../../src/workspaces/schema.ts';
import { runChorus, spawnChorus } from '../helpers/processes.ts';
import { createPostgresDatabase, dropPostgresDatabase } from '../helpers/db.ts';

describe('the chorus command', () => {
  const root = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
  const dataDir = join(root, 'data');
  const env = { DATA_DIR: dataDir };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('documents every command with --help', async () => {
    const help = await runChorus(['--help'], env);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'user', 'backup', 'restore']) expect(help.output).toContain(command);
    for (const command of [['serve'], ['worker'], ['migrate'], ['user', 'create'], ['backup'], ['restore']]) {
      const sub = await runChorus([...command, '--help'], env);
      expect(sub.code, command.join(' ')).toBe(0);
      expect(sub.output).toContain('Usage: chorus');
    }
  });

  it('migrates, then creates the owner and a second user with passwords from standard input', async () => {
    expect((await runChorus(['migrate'], env)).output).toContain('Migrations applied');
    const weak = await runChorus(['user', 'create', '--email', 'a@example.com', '--name', 'A'], env, 'short\n');
    expect(weak.code).not.toBe(0);
    expect(weak.output).toContain('at least 10 characters');
    const owner = await runChorus(
      ['user', 'create', '--email', 'boss@example.com', '--name', 'Boss', '--organization', 'Acme', '--timezone', 'Asia/Tokyo'],
      env,
      'boss password 1\n',
    );
    expect(owner.code, owner.output).toBe(0);
    expect(owner.output).toContain('Created owner boss@example.com');
    const second = await runChorus(['user', 'create', '--email', 'ops@example.com', '--name', 'Ops', '--org-role', 'admin'], env, 'ops password 11\n');
    expect(second.output).toContain('Created admin ops@example.com');
    const duplicate = await runChorus(['user', 'create', '--email', 'OPS@example.com', '--name', 'Ops'], env, 'ops password 11\n');
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.output).toContain('has an account already');
    expect(owner.output + second.output).not.toContain('password 1');
  });

  it('backs up and restores the embedded database', async () => {
    const file = join(root, 'backup.tar.gz');
    // As an install without CHORUS_SECRET_KEY has it: the generated key beside the data.
    writeFileSync(join(dataDir, 'secret.key'), `${'ef'.repeat(32)}\n`);
    mkdirSync(join(dataDir, 'media'), { recursive: true });
    writeFileSync(join(dataDir, 'media', 'probe.txt'), 'a media file');
    const backup = await runChorus(['backup', file], env);
    expect(backup.code, backup.output).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(1000);
    const refused = await runChorus(['restore', file], env);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('is not empty');
    const restoredDir = join(root, 'restored');
    const restored = await runChorus(['restore', file], { DATA_DIR: restoredDir, CHORUS_SECRET_KEY: '' });
    expect(restored.code, restored.output).toBe(0);
    // The key that seals stored credentials and the media files come back with the database.
    expect(readFileSync(join(restoredDir, 'secret.key'), 'utf8')).toBe(readFileSync(join(dataDir, 'secret.key'), 'utf8'));
    expect(readFileSync(join(restoredDir, 'media', 'probe.txt'), 'utf8')).toBe('a media file');
    const notBackup = join(root, 'not-a-backup.tar.gz');
    writeFileSync(notBackup, 'plain text');
    const refusedJunk = await runChorus(['restore', notBackup], { DATA_DIR: join(root, 'elsewhere') });
    expect(refusedJunk.code).not.toBe(0);
    expect(refusedJunk.output).toContain('is not a Chorus backup');
    const database = await openDatabase({ kind: 'pglite', dataDir: restoredDir });
    try {
      expect((await database.db.select().from(users)).map((u) => u.email).sort()).toEqual(['boss@example.com', 'ops@example.com']);
      expect((await database.db.select().from(workspaces))[0]!.timezone).toBe('Asia/Tokyo');
    } finally {
      await database.close();
    }
  });

  it('refuses process layouts the embedded database cannot support', async () => {
    const worker = await runChorus(['worker'], env);
    expect(worker.code).toBe(2);
    expect(worker.output).toContain('need DATABASE_URL');
    const apiOnly = await runChorus(['serve', '--no-workers'], env);
    expect(apiOnly.code).toBe(2);
    const badConfig = await runChorus(['migrate'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.output).toContain('DATABASE_URL must start with postgres://');
  });

  it('serves the API on PostgreSQL with workers in separate processes', async () => {
    const name = `chorus_cli_${Date.now()}`;
    const url = await createPostgresDatabase(name);
    const api = spawnChorus(['serve', '--no-workers', '--port', '0'], { DATABASE_URL: url });
    try {
      await api.waitFor(/running at (http:\/\/\S+)/, 60_000);
      const base = /running at (http:\/\/\S+)/.exec(api.output())![1]!;
      const health = await fetch(`${base}/api/v1/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'postgres' });
      expect(existsSync(join(root, 'data', 'chorus.lock'))).toBe(false);
    } finally {
      expect(await api.stop()).toBe(0);
      await dropPostgresDatabase(name);
    }
  });
});
