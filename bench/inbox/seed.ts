/**
 * The inbox benchmark's data: a workspace set up through Chorus's own services (owner, agents,
 * teams, connected profiles on five networks, routing rules), then conversations and messages
 * generated inside PostgreSQL with INSERT … SELECT over generate_series, which writes a million
 * rows far faster than sending them from Node. Secondary indexes are dropped during the load and
 * built again afterwards with their exact definitions (one sorted build beats a million
 * incremental GIN inserts), then the tables are analysed.
 */
import { eq } from 'drizzle-orm';
import pg from 'pg';
import type { Chorus } from '../../src/core/chorus.ts';
import { createOwner, setupInput } from '../../src/auth/setup.ts';
import { createApiToken } from '../../src/auth/tokens.ts';
import type { User } from '../../src/auth/users.ts';
import { workspaceMembers } from '../../src/workspaces/schema.ts';
import { addMember } from '../../src/workspaces/members.ts';
import { addTeamMember, createTeam } from '../../src/workspaces/teams.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { createRule } from '../../src/inbox/rules.ts';
import { ruleInput } from '../../src/inbox/routing.ts';
import type { NetworkId } from '../../src/connectors/connector.ts';
import { LANGUAGE_SHARE, RARE_SHARE, SELECTIVE_TERMS, TAGS, VOCABULARY } from './text.ts';

export const NETWORKS: NetworkId[] = ['bluesky', 'mastodon', 'x', 'linkedin', 'facebook'];
const TEAMS = ['Support', 'Sales', 'Product', 'Social', 'Billing'];
const AGENTS = 12;

export interface Workspace {
  workspaceId: string;
  owner: User;
  token: string;
  teamIds: string[];
  agentIds: string[];
  profileIds: string[];
}

/**
 * Owner, agents in teams, `profiles` connected profiles spread over five networks (Mastodon ones
 * aimed at `mastodonUrl`, where the sync's fake instance will answer) and a few routing rules.
 */
export async function setUpWorkspace(chorus: Chorus, options: { profiles: number; mastodonUrl: string; mastodonToken: (profile: number) => string }): Promise<Workspace> {
  const owner = await createOwner(
    chorus.db,
    setupInput.parse({ organizationName: 'Bench Org', name: 'Bench Owner', email: 'owner@bench.example', password: 'correct horse battery staple', workspaceName: 'Bench' }),
  );
  const [membership] = await chorus.db.select().from(workspaceMembers).where(eq(workspaceMembers.userId, owner.id));
  const workspaceId = membership!.workspaceId;
  const actor = { userId: owner.id, orgId: owner.orgId, label: owner.email };
  const { secret: token } = await createApiToken(chorus.db, actor, owner, { name: 'bench' });

  const teamIds: string[] = [];
  for (const name of TEAMS) teamIds.push((await createTeam(chorus.db, actor, workspaceId, { name, description: '' })).id);
  const agentIds: string[] = [];
  for (let a = 0; a < AGENTS; a++) {
    const added = await addMember(chorus.db, actor, workspaceId, { email: `agent${a}@bench.example`, name: `Agent ${a}`, role: 'publisher' });
    agentIds.push(added.userId);
    await addTeamMember(chorus.db, actor, workspaceId, teamIds[a % teamIds.length]!, added.userId);
  }
  await addTeamMember(chorus.db, actor, workspaceId, teamIds[0]!, owner.id);

  const profileIds: string[] = [];
  for (let p = 0; p < options.profiles; p++) {
    const network = NETWORKS[p % NETWORKS.length]!;
    const profile = await saveConnection(chorus.db, actor, chorus.config.secretKey, workspaceId, {
      credentials: {
        network,
        accountId: `acct-${p}`,
        accessToken: network === 'mastodon' ? options.mastodonToken(p) : `token-${p}`,
        ...(network === 'mastodon' ? { serviceUrl: options.mastodonUrl } : {}),
      },
      profile: { id: `acct-${p}`, handle: `brand${p}` },
    });
    profileIds.push(profile.id);
  }

  const rules = [
    { name: 'Refunds to Support', conditions: { keywords: ['refund', 'remboursement', 'reembolso', 'erstattung', 'chargeback'] }, actions: { teamId: teamIds[0], tags: ['refund'], priority: 'high' } },
    { name: 'Bugs', conditions: { keywords: ['bug', 'crash', 'error', 'fehler', 'erreur'] }, actions: { teamId: teamIds[2], tags: ['bug'] } },
    { name: 'Billing', conditions: { keywords: ['invoice', 'billing', 'charged twice', 'facture', 'factura', 'rechnung'] }, actions: { teamId: teamIds[4], tags: ['billing'] } },
    { name: 'Praise', conditions: { keywords: ['love', 'awesome', 'amazing', 'génial', 'increíble', 'toll'] }, actions: { tags: ['praise'], priority: 'low' } },
    { name: 'Escalations are urgent', conditions: { keywords: ['ombudsman', 'escalation'] }, actions: { priority: 'urgent', tags: ['vip'] } },
  ];
  for (const rule of rules) await createRule(chorus.db, actor, workspaceId, ruleInput.parse(rule));
  return { workspaceId, owner, token, teamIds, agentIds, profileIds };
}

export interface LoadResult {
  conversations: number;
  messages: number;
  insertMs: number;
  indexMs: number;
  analyzeMs: number;
}

/** A v4-shaped uuid derived from a number, so conversations can be addressed by their index. */
const uuidOf = (prefix: string, n: string) =>
  `(substr(md5('${prefix}' || ${n}), 1, 12) || '4' || substr(md5('${prefix}' || ${n}), 14, 3) || '8' || substr(md5('${prefix}' || ${n}), 18, 15))::uuid`;

/** Phrases generated per language; a message is two of them, so a million messages differ. */
const PHRASES = 10_000;

/**
 * Phrases of 3 to 15 words, skewed towards each language's first words. The aggregate mentions
 * `w` so that it belongs to its subquery (an aggregate over outer columns only would be evaluated
 * by the outer query).
 */
const PHRASES_SQL = `create temp table phrases as
  select l.lang, p.n, (
    select string_agg(l.words[1 + floor(array_length(l.words, 1) * random() ^ 3)::int + 0 * w], ' ' order by w)
      from generate_series(1, 3 + (p.n % 13)) w
  ) as text
  from (select ordinality::int as lang, words::text[] as words from unnest($1::text[]) with ordinality as words) l
  cross join generate_series(0, ${PHRASES - 1}) p(n)`;

/**
 * Generates the conversations and messages in the benchmark's database, through its own
 * connection so that the load may skip foreign-key triggers (session_replication_role: every
 * reference is made here and is valid) and use more memory for the index builds.
 */
export async function bulkLoad(url: string, ws: Workspace, sizes: { conversations: number; messages: number }, log: (m: string) => void): Promise<LoadResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set session_replication_role = replica`);
    await client.query(`set maintenance_work_mem = '512MB'`);
    await client.query(`select setseed(0.42)`);
    const indexes = (
      await client.query<{ name: string; definition: string }>(
        `select indexname as name, indexdef as definition from pg_indexes
          where schemaname = 'public' and tablename in ('conversations', 'messages')
            and indexname not in (select conname from pg_constraint where contype = 'p')`,
      )
    ).rows;
    for (const index of indexes) await client.query(`drop index "${index.name}"`);

    const started = performance.now();
    const { conversations: C, messages: M } = sizes;
    // Languages by share: message g's language index, from a cumulative table.
    const cumulative: number[] = [];
    let acc = 0;
    for (const [, share] of LANGUAGE_SHARE) cumulative.push((acc += share));
    const vocab = LANGUAGE_SHARE.map(([lang]) => `{${VOCABULARY[lang].map((w) => `"${w}"`).join(',')}}`);

    // Conversations: status, priority, assignment and tags in realistic proportions; the newest
    // activity skewed towards recent days. last_message_at is set from the messages below.
    await client.query(
      `insert into conversations (id, workspace_id, profile_id, network, remote_thread_id, kind, status, priority,
         assignee_user_id, assignee_team_id, tags, author_remote_id, author_handle, author_name,
         last_message_at, unread, first_inbound_at, first_response_at, closed_at, created_at)
       select ${uuidOf('c', 'g')}, $1, p.id, p.network, 't' || g, k.kind, s.status,
         (array['low','normal','normal','normal','normal','normal','normal','high','high','urgent'])[1 + (hashint4(g * 7) & 1023) % 10],
         case when r2 < 0.4 then null when r2 < 0.45 then $2::uuid else ($3::uuid[])[1 + floor(r2 * 1000)::int % array_length($3::uuid[], 1)] end,
         case when r3 < 0.5 then null else ($4::uuid[])[1 + floor(r3 * 1000)::int % array_length($4::uuid[], 1)] end,
         case when r4 < 0.55 then '{}'::text[]
              when r4 < 0.9 then array[($5::text[])[1 + floor(array_length($5::text[], 1) * random() ^ 2)::int]]
              else array[($5::text[])[1 + floor(array_length($5::text[], 1) * random() ^ 2)::int], ($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int]] end,
         'cust-' || a, 'customer' || a || '@example.social', 'Customer ' || a,
         created, case when s.status = 'open' then 1 + (g % 3) else 0 end, created,
         case when s.status = 'open' then null else created + interval '20 minutes' end,
         case when s.status = 'closed' then created + interval '2 hours' end, created
       from (
         select g, random() as r2, random() as r3, random() as r4,
                floor(${C} * 0.6 * random())::int as a,
                now() - interval '3 days' - interval '362 days' * (random() ^ 2) as created
           from generate_series(1, ${C}) g
       ) base
       join lateral (select id, network from unnest($6::uuid[], $7::text[]) with ordinality as u(id, network, n) where n = 1 + (g % array_length($6::uuid[], 1))) p on true
       join lateral (select (array['mention','mention','mention','mention','reply','reply','comment','comment','dm','quote'])[1 + (g % 10)] as kind where g = g) k on true
       join lateral (select case when random() < 0.25 then 'open' when random() < 0.13 then 'pending' else 'closed' end as status where g = g) s on true`,
      [ws.workspaceId, ws.owner.id, ws.agentIds, ws.teamIds, TAGS, ws.profileIds, ws.profileIds.map((_, p) => NETWORKS[p % NETWORKS.length])],
    );
    log(`${C.toLocaleString('en-US')} conversations in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Messages: the first C give every conversation one; the rest go to conversations skewed
    // towards a few long threads. One in six is an answer from the brand.
    await client.query(PHRASES_SQL, [vocab]);
    await client.query(`alter table phrases add primary key (lang, n)`);
    const languageCase = cumulative
      .map((limit, i) => `when lr < ${limit} then ${i + 1}`)
      .join(' ');
    // Conversations by their generation index (kept in remote_thread_id), for a plain integer join.
    await client.query(
      `create temp table conversation_index as
         select substr(remote_thread_id, 2)::int as ci, id, workspace_id, profile_id, kind, author_remote_id, author_handle, author_name, created_at
           from conversations where workspace_id = $1 and remote_thread_id like 't%'`,
      [ws.workspaceId],
    );
    await client.query(`alter table conversation_index add primary key (ci)`);
    const messagesStarted = performance.now();
    await client.query(
      `insert into messages (id, conversation_id, workspace_id, profile_id, remote_id, direction, kind, text, author_remote_id, author_handle, author_name, sent_at, received_at)
       select ${uuidOf('m', 'g')}, c.id, c.workspace_id, c.profile_id, 'm' || g,
              case when g > ${C} and g % 6 = 0 then 'outbound' else 'inbound' end, c.kind,
              p1.text || ' ' || p2.text || case when random() < ${RARE_SHARE} then ' ' || ($1::text[])[1 + floor(random() * ${SELECTIVE_TERMS.length})::int] else '' end,
              c.author_remote_id, c.author_handle, c.author_name, sent, sent
       from (
         select g, case when g <= ${C} then g else 1 + floor(${C} * random() ^ 3)::int end as ci,
                case ${languageCase} else 1 end as lang,
                floor(random() * ${PHRASES})::int as a, floor(random() * ${PHRASES})::int as b
           from (select g, random() as lr from generate_series(1, ${M}) g) r
       ) base
       join conversation_index c on c.ci = base.ci
       join phrases p1 on p1.lang = base.lang and p1.n = base.a
       join phrases p2 on p2.lang = base.lang and p2.n = base.b
       join lateral (select c.created_at + (case when g <= ${C} then interval '0' else interval '3 days' * random() end) as sent where g = g) t on true`,
      [SELECTIVE_TERMS],
    );
    log(`${M.toLocaleString('en-US')} messages inserted in ${((performance.now() - messagesStarted) / 1000).toFixed(1)} s`);
    await client.query(
      `update conversations c set last_message_at = m.last
         from (select conversation_id, max(sent_at) as last from messages group by conversation_id) m
        where m.conversation_id = c.id`,
    );
    const insertMs = performance.now() - started;
    log(`${M.toLocaleString('en-US')} messages in ${(insertMs / 1000).toFixed(1)} s (with the conversations)`);

    const indexStarted = performance.now();
    for (const index of indexes) await client.query(index.definition);
    const indexMs = performance.now() - indexStarted;
    log(`${indexes.length} indexes built again in ${(indexMs / 1000).toFixed(1)} s`);
    const analyzeStarted = performance.now();
    await client.query(`analyze conversations`);
    await client.query(`analyze messages`);
    const analyzeMs = performance.now() - analyzeStarted;
    const counts = (await client.query<{ c: number; m: number }>(`select (select count(*)::int from conversations) as c, (select count(*)::int from messages) as m`)).rows[0]!;
    return { conversations: counts.c, messages: counts.m, insertMs, indexMs, analyzeMs };
  } finally {
    await client.end();
  }
}
