import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const HELLO = join(ROOT, 'bench/fixtures/hello.mjs');
export const CHORUS_BIN = join(ROOT, 'bin/chorus.js');
export const HOST = '127.0.0.1';

/** Log level of the Chorus processes under test (requests are logged at info). */
export const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `chorus-bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Server {
  url: string;
  /** Milliseconds from spawning the process to its first healthy answer. */
  startMs: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** The path answered with 200 once the server is ready. */
  healthPath?: string;
  timeoutMs?: number;
}

/**
 * Spawns a server in its own process group, polls its health path until it answers 200 and
 * returns the time that took. Output is kept (the tail of it) to explain a failure.
 */
export async function spawnServer(options: SpawnOptions): Promise<Server> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const healthUrl = url + (options.healthPath ?? '/api/v1/health');
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(port), HOST, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | string | null = null;
  child.on('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));

  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) throw new Error(`${options.command} ${options.args.join(' ')} exited (${exited}) before it was healthy:\n${output}`);
    if (performance.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${options.command} ${options.args.join(' ')} was not healthy within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  const startMs = performance.now() - started;
  // From here on, the output is only needed for a crash report: stop buffering it.
  child.stdout!.removeListener('data', keep).resume();
  return { url, startMs, stop: () => stopProcess(child) };
}

/** SIGTERM to the process group (npm start runs Chorus as a grandchild), SIGKILL after 15 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  // Let grandchildren (npm start's node) finish closing their database.
  for (let i = 0; i < 150; i++) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  signalGroup('SIGKILL');
}

export interface Worker {
  /** Milliseconds from spawning the process to the line saying it runs. */
  startMs: number;
  /** The last few thousand characters it wrote, to explain a failure. */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `chorus worker` in its own process group and waits until it says it is running. */
export async function chorusWorker(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<Worker> {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  const started = performance.now();
  // BENCH_CPU_PROF=<dir>: each worker writes a V8 CPU profile there when it stops (open it in
  // Chrome DevTools); node refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, CHORUS_BIN, 'worker'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | string | null = null;
  child.on('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));
  while (!/Chorus worker .* is running/.test(output)) {
    if (exited !== null) throw new Error(`chorus worker exited (${exited}) before it ran:\n${output}`);
    if (performance.now() - started > timeoutMs) {
      await stopProcess(child);
      throw new Error(`chorus worker did not start within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(10);
  }
  return { startMs: performance.now() - started, output: () => output, stop: () => stopProcess(child) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const helloServer = () => spawnServer({ command: process.execPath, args: [HELLO] });

export const chorusServer = (env: Record<string, string | undefined>) =>
  spawnServer({ command: process.execPath, args: [CHORUS_BIN, 'serve'], env: { LOG_LEVEL, ...env } });
