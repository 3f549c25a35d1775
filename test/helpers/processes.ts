import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHORUS_BIN = fileURLToPath(new URL('../../bin/chorus.js', import.meta.url));
export const TEST_SECRET_KEY = 'cd'.repeat(32);

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has written `text` to stdout or stderr. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the `chorus` command as users do, in its own process. */
export function spawnChorus(args: string[], env: Record<string, string>, options: { stdin?: string } = {}): Spawned {
  const child = spawn(process.execPath, [CHORUS_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', CHORUS_SECRET_KEY: TEST_SECRET_KEY, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async waitFor(text, timeoutMs = 30_000) {
      const start = Date.now();
      const matches = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!matches()) {
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before "${text}":\n${out}`);
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for "${text}":\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `chorus <args>` to completion. */
export async function runChorus(args: string[], env: Record<string, string>, stdin?: string) {
  const process = spawnChorus(args, env, stdin !== undefined ? { stdin } : {});
  const code = await new Promise<number | null>((resolve) => process.child.on('exit', resolve));
  return { code, output: process.output() };
}
