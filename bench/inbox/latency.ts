/**
 * Inbox read latency: listConversations (the service the API calls) with the filters people use,
 * and full-text search with a selective and a common term, against a primary-key lookup of one
 * conversation through the same connection pool. Cases run round-robin, one query each per round,
 * so that whatever else the machine does slows them alike.
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '../../src/core/schema.ts';
import type { Db } from '../../src/core/db.ts';
import type { Chorus } from '../../src/core/chorus.ts';
import { conversations } from '../../src/inbox/schema.ts';
import { listConversations, listQuery } from '../../src/inbox/service.ts';
import { COMMON_TERMS, SELECTIVE_TERMS, TAGS } from './text.ts';
import { NETWORKS, type Workspace } from './seed.ts';

export interface Timing {
  label: string;
  samples: number[];
  /** Rows on the first page, averaged: a filter that finds nothing would be fast for no reason. */
  meanRows: number;
}

export interface Case {
  label: string;
  run(i: number): Promise<number>;
}

/** Nearest-rank percentile of values sorted ascending. */
export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN);

/** `warmup` untimed rounds, then `iterations` timed ones; every case once per round. */
export async function measureRoundRobin(cases: Case[], iterations: number, warmup: number): Promise<Timing[]> {
  const samples = cases.map(() => [] as number[]);
  const rows = cases.map(() => 0);
  for (let i = 0; i < warmup + iterations; i++) {
    for (const [c, item] of cases.entries()) {
      const t0 = performance.now();
      const n = await item.run(i);
      const ms = performance.now() - t0;
      if (i >= warmup) {
        samples[c]!.push(ms);
        rows[c]! += n;
      }
    }
  }
  return cases.map((c, i) => ({ label: c.label, samples: samples[i]!.sort((a, b) => a - b), meanRows: rows[i]! / iterations }));
}

/** The owner, as the API sees them: "me" in the filters, and every profile visible. */
const viewerOf = (ws: Workspace) => ({ userId: ws.owner.id, role: 'owner' as const });

const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;

/** The baseline and the inbox queries, through the service functions with the owner as "me". */
export async function serviceCases(chorus: Chorus, ws: Workspace): Promise<{ baseline: Case; cases: Case[]; filters: Record<string, object> }> {
  // Ids spread over the whole table, so the lookups do not all hit the same few pages.
  const ids = (await chorus.database.executeSql(`select id from conversations order by md5(id::text) limit 1000`)).rows.map((r) => String(r.id));
  const list = async (query: Record<string, unknown>) =>
    (await listConversations(chorus.db, viewerOf(ws), ws.workspaceId, listQuery.parse(query))).conversations.length;
  const filters = {
    'status=open, network, tag': { status: 'open', network: 'mastodon', tag: 'refund' },
    'assignee=me': { assignee: 'me' },
    'assignee=unassigned, status=open': { assignee: 'unassigned', status: 'open' },
    'teamId (one team), status=open': { teamId: ws.teamIds[0], status: 'open' },
    'priority=urgent, status=open': { priority: 'urgent', status: 'open' },
    [`q selective (${SELECTIVE_TERMS.join(' | ')})`]: { q: SELECTIVE_TERMS[0] },
    [`q common (${COMMON_TERMS.join(' | ')})`]: { q: COMMON_TERMS[0] },
  };
  const cases: Case[] = [
    { label: 'list: status=open, network, tag', run: (i) => list({ status: 'open', network: pick(NETWORKS, i), tag: pick(TAGS.slice(0, 6), i) }) },
    { label: 'list: assignee=me', run: () => list({ assignee: 'me' }) },
    { label: 'list: assignee=unassigned, status=open', run: () => list({ assignee: 'unassigned', status: 'open' }) },
    { label: 'list: one team, status=open', run: (i) => list({ teamId: pick(ws.teamIds, i), status: 'open' }) },
    { label: 'list: priority=urgent, status=open', run: () => list({ priority: 'urgent', status: 'open' }) },
    { label: `search: selective term (${SELECTIVE_TERMS.join(', ')})`, run: (i) => list({ q: pick(SELECTIVE_TERMS, i) }) },
    { label: `search: common term (${COMMON_TERMS.join(', ')})`, run: (i) => list({ q: pick(COMMON_TERMS, i) }) },
  ];
  const baseline: Case = {
    label: 'primary-key lookup of one conversation (baseline)',
    run: async (i) => (await chorus.db.select().from(conversations).where(eq(conversations.id, pick(ids, i * 7919)))).length,
  };
  return { baseline, cases, filters };
}

/**
 * EXPLAIN ANALYZE of the statement listConversations sends for each filter set, reduced to the
 * plan's lines, so that a sequential scan or a sort over all rows shows in the output. The
 * statement is captured by running the real service on a Drizzle instance whose logger records it.
 */
export async function explainFilters(url: string, ws: Workspace, filters: Record<string, object>): Promise<Record<string, string[]>> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(pool, { schema, logger: { logQuery: (query, params) => void captured.push({ sql: query, params }) } }) as unknown as Db;
  const plans: Record<string, string[]> = {};
  try {
    for (const [label, query] of Object.entries(filters)) {
      captured.length = 0;
      await listConversations(db, viewerOf(ws), ws.workspaceId, listQuery.parse(query));
      const statement = captured[captured.length - 1];
      if (!statement) continue;
      const result = await pool.query<Record<string, unknown>>(`explain (analyze, buffers, costs off) ${statement.sql}`, statement.params);
      plans[label] = result.rows.map((r) => String(r['QUERY PLAN']));
    }
  } finally {
    await pool.end();
  }
  return plans;
}

/** GET requests over one keep-alive connection, with the token, as a program using the API would. */
export function httpCases(baseUrl: string, ws: Workspace): { baseline: Case; cases: Case[] } {
  const headers = { authorization: `Bearer ${ws.token}` };
  const get = async (path: string, count: (body: unknown) => number) => {
    const response = await fetch(`${baseUrl}${path}`, { headers });
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return count(body);
  };
  const inbox = `/api/v1/workspaces/${ws.workspaceId}/inbox`;
  const countOf = (body: unknown) => (body as { conversations: unknown[] }).conversations.length;
  return {
    baseline: { label: 'GET /api/v1/auth/session (Bearer; baseline)', run: () => get('/api/v1/auth/session', () => 1) },
    cases: [
      { label: 'GET …/inbox?status=open&network=…&tag=…', run: (i) => get(`${inbox}?status=open&network=${pick(NETWORKS, i)}&tag=${pick(TAGS.slice(0, 6), i)}`, countOf) },
      { label: 'GET …/inbox?q=<selective term>', run: (i) => get(`${inbox}?q=${encodeURIComponent(pick(SELECTIVE_TERMS, i))}`, countOf) },
    ],
  };
}
