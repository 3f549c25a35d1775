import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { openDatabase } from '../../src/core/db.ts';
import { auditEvents, teams } from '../../src/workspaces/schema.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/** Starts the writer, lets it commit a few transactions, then kills it without warning. */
async function writeAndKill(dataDir: string, killAfterMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const start = Date.now();
  while (!out.includes('wrote 2')) {
    if (child.exitCode !== null) throw new Error(`writer exited early:\n${out}`);
    if (Date.now() - start > 60_000) throw new Error(`writer never wrote:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.kill('SIGKILL');
  await exited;
  return out.split('\n').filter((l) => l.startsWith('wrote ')).length;
}

describe('embedded database after a crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reopens cleanly, keeps every committed write and no half-written one', async () => {
    let acknowledged = 0;
    for (const killAfterMs of [0, 37, 150, 420]) {
      acknowledged += await writeAndKill(dataDir, killAfterMs);
      // The killed process left its lock behind; opening must take it over, not refuse.
      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        const [teamRows] = await database.db.select({ n: count() }).from(teams);
        const [auditRows] = await database.db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, 'team.created'));
        // Each team and its audit event were written in one transaction: both or neither.
        expect(teamRows!.n).toBe(auditRows!.n);
        // Everything the writer reported as committed is there (one more may have committed unreported).
        expect(teamRows!.n).toBeGreaterThanOrEqual(acknowledged);
        expect(teamRows!.n).toBeLessThanOrEqual(acknowledged + 4);
        const check = await database.executeSql('select count(*)::int as n from teams where length(description) <> 2000');
        expect(check.rows[0]!.n).toBe(0);
      } finally {
        await database.close();
      }
    }
  });

  it('refuses a second live process on the same data directory', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).not.toBe(0);
      expect(err).toContain('is in use by another Chorus process');
    } finally {
      await first.close();
    }
  });
});
