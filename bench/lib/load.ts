import autocannon from 'autocannon';

/** The same load for every target, so that figures can be compared within one run. */
export const LOAD = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.BENCH_DURATION ?? 5),
  warmupSeconds: 1,
};

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers, socket errors and timeouts: anything but 0 makes the figures meaningless. */
  failures: number;
}

/**
 * A short warm-up (JIT, connection pools, caches), then the measured run. Latency percentiles are
 * computed here from every response's own time: autocannon's histogram keeps whole milliseconds,
 * too coarse for a hello-world that answers in a fraction of one.
 */
export async function measureLoad(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  await autocannon({ url, headers, connections: LOAD.connections, duration: LOAD.warmupSeconds });
  const times: number[] = [];
  const run = autocannon({ url, headers, connections: LOAD.connections, duration: LOAD.durationSeconds });
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await run;
  times.sort((a, b) => a - b);
  const percentile = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! : NaN);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
