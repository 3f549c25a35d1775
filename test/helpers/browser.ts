import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startInstance, type Instance, type StartOptions } from '../../src/instance.ts';
import { loadConfig, type Config } from '../../src/core/config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Debian's Chromium, headless, kept off the network it cannot reach here. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserSetup {
  instance: Instance;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/** Chorus in-process on a fresh embedded database, serving the built web app, and a browser. */
export async function startChorusWithBrowser(options: Pick<StartOptions, 'connectors'> & { config?: Partial<Config> } = {}): Promise<BrowserSetup> {
  if (!existsSync(join(ROOT, 'web/dist/index.html'))) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`Building the web app failed:\n${build.stdout}\n${build.stderr}`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-browser-'));
  const { config, ...rest } = options;
  const instance = await startInstance({ config: loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv, { dataDir, port: 0, ...config }), work: true, http: true, ...rest });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    instance,
    browser,
    url: instance.url!,
    async close() {
      await browser.close();
      await instance.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
