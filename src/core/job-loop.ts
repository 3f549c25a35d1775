import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';

/**
 * Runs up to `concurrency` jobs of one kind at a time, topping the set up as jobs finish instead
 * of waiting for a whole batch: with pg-boss's batch handler a batch of 16 took as long as its
 * slowest job, and the next fetch waited for it (docs/performance.md measured 15% of a worker's
 * time lost so). It fetches again once a quarter of the slots are free, so that a busy queue
 * still costs one fetch per several jobs; when a fetch comes back short the queue is drained for now
 * and the loop sleeps out the polling interval. Finished jobs are completed together, just
 * before the next fetch.
 */
export class WorkLoop {
  private running = 0;
  private readonly finished: string[] = [];
  private wake: (() => void) | null = null;
  /** True while the loop waits for slots to free up (not while it sleeps out the interval). */
  private waitingForSlots = false;
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly boss: PgBoss,
    private readonly name: string,
    private readonly options: { concurrency: number; pollSeconds: number; logger: Logger },
    /** Runs one job; it fails the job itself when it must (a thrown error is logged and failed here). */
    private readonly run: (job: PgBoss.JobWithMetadata<unknown>) => Promise<void>,
  ) {
    this.done = this.loop();
  }

  /** Stops fetching, waits for the jobs under way (at most `timeoutMs`) and completes them. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  private get refillAt(): number {
    return Math.max(1, Math.floor(this.options.concurrency / 4));
  }

  private async loop(): Promise<void> {
    const { concurrency, pollSeconds } = this.options;
    const refillAt = this.refillAt;
    while (!this.stopping) {
      let idle = false;
      try {
        await this.completeFinished();
        const free = concurrency - this.running;
        if (free >= refillAt) {
          const jobs = (await this.boss.fetch(this.name, { batchSize: free, includeMetadata: true })) as PgBoss.JobWithMetadata<unknown>[];
          for (const job of jobs) this.start(job);
          idle = jobs.length < free;
        }
      } catch (error) {
        this.options.logger.error({ err: error, job: this.name }, 'fetching jobs failed');
        idle = true;
      }
      if (this.stopping) break;
      // Drained (or failing): wait out the interval. Otherwise: until enough slots are free.
      this.waitingForSlots = !idle;
      await this.sleep(idle ? pollSeconds * 1000 : null);
      this.waitingForSlots = false;
    }
    while (this.running > 0) await this.sleep(null);
    await this.completeFinished().catch((error: unknown) => this.options.logger.error({ err: error, job: this.name }, 'completing jobs failed'));
  }

  private start(job: PgBoss.JobWithMetadata<unknown>) {
    this.running++;
    void this.run(job)
      .then(() => this.finished.push(job.id))
      .catch((error: unknown) => this.options.logger.error({ err: error, job: this.name, jobId: job.id }, 'job runner failed'))
      .finally(() => {
        this.running--;
        if (this.stopping || (this.waitingForSlots && this.options.concurrency - this.running >= this.refillAt)) this.wake?.();
      });
  }

  /** Marks finished jobs completed; a job the runner already failed stays failed (pg-boss only completes active jobs). */
  private async completeFinished(): Promise<void> {
    if (this.finished.length === 0) return;
    const ids = this.finished.splice(0);
    try {
      await this.boss.complete(this.name, ids);
    } catch (error) {
      this.finished.push(...ids);
      throw error;
    }
  }

  /** Sleeps `ms`, or until woken when `ms` is null; `stop` always wakes it. */
  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        if (timer) clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }
}
