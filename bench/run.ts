// Chorus benchmarks: `npm run bench` runs them all, `npm run bench -- api startup` some of them.
// Every figure is also given as a ratio to a baseline measured in the same run on the same
// machine, so that runs on different machines can be compared. Not part of `npm test`.
import { cpus, loadavg, totalmem } from 'node:os';
import { printReport, type Report } from './lib/report.ts';
import { startup } from './startup.ts';
import { api } from './api.ts';
import { publish } from './publish.ts';
import { inbox } from './inbox.ts';

export interface Benchmark {
  /** What to type after `npm run bench --`. */
  name: string;
  description: string;
  run(): Promise<Report>;
}

/** Every benchmark, in the order `npm run bench` runs them. A new one is added here. */
export const BENCHMARKS: Benchmark[] = [startup, api, publish, inbox];

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    console.log('Usage: npm run bench [-- NAME...]\n\nBenchmarks:');
    for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(10)} ${b.description}`);
    return 0;
  }
  const unknown = args.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
    return 2;
  }
  const chosen = args.length ? BENCHMARKS.filter((b) => args.includes(b.name)) : BENCHMARKS;

  console.log(`# Chorus benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB`);
  // Other work on the machine moves every figure (ratios less so): say how busy it was.
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`Load average before: ${load()}`);
  let failed = 0;
  const started = performance.now();
  for (const benchmark of chosen) {
    const t0 = performance.now();
    try {
      const report = await benchmark.run();
      printReport(report);
      console.log(`\n(${benchmark.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    } catch (error) {
      failed++;
      console.error(`\n${benchmark.name} failed: ${(error as Error).stack ?? error}`);
    }
  }
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(0)} s. Load average after: ${load()}`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
