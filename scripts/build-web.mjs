// Builds the web app into web/dist. With --if-stale, skips the build when web/dist is newer than
// every source file, so `npm start` stays fast after the first run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('../web/', import.meta.url).pathname;
const dist = join(root, 'dist', 'index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(dist) && statSync(dist).mtimeMs >= newestSource(root)) {
  process.exit(0);
}
await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
console.log('Built the web app into web/dist');
