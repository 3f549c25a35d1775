import { parse } from 'csv-parse/sync';
import { eq } from "drizzle-orm";
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { AppError } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import type { Actor } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { campaigns } from './schema.ts';
import { createPost, problemsFor } from './posts.ts';
import { scheduleVariants } from './scheduling.ts';
import { resolveWhen } from './time.ts';

export const importInput = z.object({
  csv: z.string().min(1).max(1_000_000),
  /** all_or_nothing: any bad row stops the import. valid_rows: import the good rows, report the rest. */
  mode: z.enum(['all_or_nothing', 'valid_rows']).default('all_or_nothing'),
  /** Check and report only. */
  dryRun: z.boolean().default(false),
});

export const MAX_IMPORT_ROWS = 1000;
const COLUMNS = ['profile', 'text', 'when', 'campaign', 'tags'] as const;

export interface RowReport {
  /** Line in the file, counting the header as line 1. */
  line: number;
  ok: boolean;
  errors: { column: string; message: string }[];
  postId?: string;
}

interface ValidRow {
  line: number;
  profileId: string;
  text: string;
  at: Date;
  campaignId: string | null;
  tags: string[];
}

/**
 * Bulk scheduling from CSV (columns: profile, text, when, campaign, tags). Every row is checked
 * before anything is written: the profile (handle or id) exists here, the text passes that
 * network's rules, the time parses in the workspace zone and is ahead, the campaign exists.
 */
export async function importCsv(chorus: Chorus, actor: Actor, workspaceId: string, input: z.infer<typeof importInput>) {
  let records: Record<string, string>[];
  try {
    records = parse(input.csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: false, bom: true, relax_column_count: false });
  } catch (error) {
    throw new AppError(422, 'csv_invalid', `The file is not valid CSV: ${(error as Error).message}`, { field: 'csv' });
  }
  if (records.length === 0) throw new AppError(422, 'csv_empty', 'The file has a header but no rows.', { field: 'csv' });
  if (records.length > MAX_IMPORT_ROWS) throw new AppError(422, 'csv_too_long', `At most ${MAX_IMPORT_ROWS} rows per import; this file has ${records.length}.`, { field: 'csv' });
  const missing = ['profile', 'text', 'when'].filter((c) => !(c in records[0]!));
  if (missing.length) throw new AppError(422, 'csv_columns', `Missing column(s): ${missing.join(', ')}. Expected: ${COLUMNS.join(', ')}.`, { field: 'csv' });

  const [workspace] = await chorus.db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  const profiles = await chorus.db.select().from(socialProfiles).where(eq(socialProfiles.workspaceId, workspaceId));
  const campaignRows = await chorus.db.select().from(campaigns).where(eq(campaigns.workspaceId, workspaceId));
  const reports: RowReport[] = [];
  const valid: ValidRow[] = [];

  records.forEach((record, index) => {
    const line = index + 2;
    const errors: RowReport['errors'] = [];
    const key = (record.profile ?? '').trim().replace(/^@/, '').toLowerCase();
    const profile = profiles.find((p) => p.id === key || p.handle.toLowerCase() === key);
    if (!profile) errors.push({ column: 'profile', message: `No connected profile "${record.profile}" in this workspace.` });
    const text = record.text ?? '';
    if (profile) for (const p of problemsFor(chorus, profile.network, text)) errors.push({ column: 'text', message: p.message });
    let at: Date | null = null;
    try {
      at = parseWhen((record.when ?? '').trim(), workspace!.timezone);
      if (at < now()) errors.push({ column: 'when', message: `${record.when} has passed.` });
    } catch (error) {
      errors.push({ column: 'when', message: (error as Error).message });
    }
    const campaignName = (record.campaign ?? '').trim();
    const campaign = campaignName ? campaignRows.find((c) => c.name.toLowerCase() === campaignName.toLowerCase()) : null;
    if (campaignName && !campaign) errors.push({ column: 'campaign', message: `No campaign "${campaignName}".` });
    const tags = (record.tags ?? '').split(/[;,]/).map((t) => t.trim()).filter(Boolean);
    if (tags.some((t) => t.length > 50)) errors.push({ column: 'tags', message: 'Tags are at most 50 characters.' });
    reports.push({ line, ok: errors.length === 0, errors });
    if (errors.length === 0) valid.push({ line, profileId: profile!.id, text, at: at!, campaignId: campaign?.id ?? null, tags });
  });

  const invalidCount = reports.filter((r) => !r.ok).length;
  const refuse = input.mode === 'all_or_nothing' && invalidCount > 0;
  if (input.dryRun || refuse || valid.length === 0) {
    return { imported: 0, invalid: invalidCount, refused: refuse, rows: reports };
  }
  // One transaction: the valid rows go in together or not at all.
  await chorus.db.transaction(async (tx) => {
    const txChorus = { ...chorus, db: tx as unknown as typeof chorus.db };
    for (const row of valid) {
      const { post, variants } = await createPost(txChorus, actor, workspaceId, { text: row.text, tags: row.tags, mediaIds: [], campaignId: row.campaignId, variants: [{ profileId: row.profileId }] });
      await scheduleVariants(chorus, tx, actor, workspaceId, post.id, [variants[0]!.id], async () => row.at, 'post.scheduled');
      reports.find((r) => r.line === row.line)!.postId = post.id;
    }
  });
  return { imported: valid.length, invalid: invalidCount, refused: false, rows: reports };
}

/** "2026-12-01 09:30" (workspace zone) or ISO 8601 with an offset. */
function parseWhen(value: string, zone: string): Date {
  if (!value) throw new Error('A time is required.');
  if (/[zZ]|[+-]\d\d:?\d\d$/.test(value)) {
    const instant = DateTime.fromISO(value, { setZone: true });
    if (!instant.isValid) throw new Error(`"${value}" is not a time this file format understands.`);
    return instant.toJSDate();
  }
  const local = value.replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) throw new Error(`"${value}" is not a time: use YYYY-MM-DD HH:mm.`);
  return resolveWhen({ localTime: local.length === 16 ? `${local}:00` : local }, zone);
}

