// Runs the publishing crash test as many times as asked, outside the test suite:
//   npx tsx scripts/crash-publish.ts 100        (runs; default 50)
// It is the same harness as test/publishing/crash.test.ts, with CRASH_RUNS set.
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 50);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npx tsx scripts/crash-publish.ts [runs]');
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', 'test/publishing/crash.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CRASH_RUNS: String(runs) },
});
process.exit(result.status ?? 1);
