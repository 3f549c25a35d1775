import { index, pgTable, text, timestamp, bigserial } from 'drizzle-orm/pg-core';

/**
 * Receipts of the `system.probe` job: every run writes one row. Operators use probes
 * (`chorus doctor`, the health endpoint) to see that workers are alive; the receipts also let a
 * test prove that no job ran twice across worker processes.
 */
export const jobProbes = pgTable(
  'job_probes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    probeId: text('probe_id').notNull(),
    jobId: text('job_id').notNull(),
    workerId: text('worker_id').notNull(),
    ranAt: timestamp('ran_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('job_probes_probe_idx').on(t.probeId)],
);
