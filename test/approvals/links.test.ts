import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { memberWithRole } from '../helpers/app.ts';
import { startSmtpSink, unquote } from '../helpers/smtp.ts';
import { randomToken } from '../../src/core/crypto.ts';
import { addSeconds, resetClock, setClock } from '../../src/core/clock.ts';
import { createMailer } from '../../src/integrations/email.ts';
import { saveSlackWebhook } from '../../src/approvals/slack-webhooks.ts';
import { approvalLinks, userSlackWebhooks } from '../../src/approvals/schema.ts';
import { approvalsWorld, expectStatus } from './fixture.ts';

/** Stands in for Slack's webhook endpoint: a local HTTP server that keeps every JSON body. */
async function startSlackSink() {
  const received: { path: string; body: { text: string; blocks: { type: string; elements?: { url: string; text: { text: string } }[] }[] } }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(body) });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { received, url: `http://127.0.0.1:${port}/services/T0/B0/secret`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const linksIn = (text: string) => [...text.matchAll(/\/approve\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);

describe.each(BACKENDS)('one-click approval links (%s)', (backend) => {
  let w: Awaited<ReturnType<typeof approvalsWorld>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let slack: Awaited<ReturnType<typeof startSlackSink>>;
  let contributor: Awaited<ReturnType<typeof memberWithRole>>;
  let approver: Awaited<ReturnType<typeof memberWithRole>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    slack = await startSlackSink();
    w = await approvalsWorld(backend, { work: true, mailer: createMailer(smtp.url, 'Chorus <chorus@acme.example>') });
    contributor = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'contributor', 'carla@acme.example');
    approver = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'approver', 'abel@acme.example');
    // Only the approver is asked: one workflow, one named approver.
    const created = await w.owner.request('POST', `${w.base}/approval-workflows`, {
      name: 'Abel checks',
      conditions: { authorRoles: ['contributor'] },
      steps: [{ name: 'Check', approvers: { userIds: [approver.userId] }, rule: 'any' }],
    });
    expectStatus(created, 201);
  });
  afterEach(() => resetClock());
  afterAll(async () => {
    await w?.t.close();
    await smtp?.close();
    await slack?.close();
  });

  const page = (token: string, method = 'GET', comment?: string) =>
    w.t.app.inject({
      method: method as 'GET',
      url: `/approve/${token}`,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(comment ? { comment } : {}).toString() } : {}),
    });

  /** Submits a new post as the contributor and returns the links the approver's email carries. */
  async function submitAndReadEmail(text: string) {
    const seen = smtp.received.length;
    const created = await contributor.api.request('POST', `${w.base}/posts`, { text, variants: [{ profileId: w.profileId }] });
    const postId = created.json().post.id as string;
    const submitted = await contributor.api.request('POST', `${w.base}/posts/${postId}/submit`, {});
    expectStatus(submitted, 200);
    const mail = await until(() => smtp.received.slice(seen).map((m) => ({ ...m, data: unquote(m.data) })).find((m) => m.data.includes(text) && m.to.includes('abel@acme.example')), 'the approval email');
    const [approve, reject] = linksIn(mail.data);
    return { postId, requestId: submitted.json().approval.requestId as string, approve: approve!, reject: reject!, mail };
  }

  it('emails the approver both links; GET only shows the page; POST approves once and the post is published', async () => {
    const { postId, approve, reject, mail } = await submitAndReadEmail('Hello <world> & friends');
    expect(mail.data).toContain('Approve: http://localhost:0/approve/');
    expect(mail.data).toContain('Reject: http://localhost:0/approve/');
    expect(approve).not.toBe(reject);
    // Only the named approver is asked, and the in-app notification is not emailed a second time.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received.filter((m) => unquote(m.data).includes('Hello <world>')).map((m) => m.to)).toEqual([['abel@acme.example']]);

    const shown = await page(approve);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.body).toContain('Hello &lt;world&gt; &amp; friends');
    expect(shown.body).not.toContain('<world>');
    expect(shown.body).toContain(`action="/approve/${approve}"`);
    expect((await page(approve)).statusCode).toBe(200); // a scanner fetching twice uses nothing
    const [link] = await w.t.database.db.select().from(approvalLinks).where(eq(approvalLinks.userId, approver.userId));
    expect(link!.usedAt).toBeNull();

    const used = await page(approve, 'POST');
    expect(used.statusCode, used.body).toBe(200);
    expect(used.body).toContain('The post is approved.');
    await until(() => (w.network.received.some((r) => r.text === 'Hello <world> & friends') ? true : undefined), 'the post to be published');
    const history = (await w.owner.request('GET', `${w.base}/posts/${postId}/approvals`)).json().requests;
    expect(history[0]).toMatchObject({ status: 'approved', decisions: [{ userId: approver.userId, via: 'email', decision: 'approved' }] });
    // The publish is audited with the approval it went out under: who approved exactly this text.
    await until(async () => ((await w.owner.request('GET', `${w.base}/audit?action=post.published`)).json().events.length ? true : undefined), 'the publish to be audited');
    const published = (await w.owner.request('GET', `${w.base}/audit?action=post.published`)).json().events[0];
    expect(published.after.approval).toMatchObject({ requestId: history[0].id, status: 'approved', contentHash: history[0].contentHash });

    const reused = await page(approve, 'POST');
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain('used already');
    // The reject link of a decided request is refused too.
    expect((await page(reject, 'POST', 'Too late anyway')).statusCode).toBe(409);
  });

  it('refuses forged, garbage and altered tokens, and expired links', async () => {
    const { approve, reject } = await submitAndReadEmail('Forgery check');
    const altered = approve.slice(0, -1) + (approve.endsWith('A') ? 'B' : 'A');
    for (const token of [randomToken(32), 'garbage', `${approve}x`, altered, '../../api/v1/health']) {
      const get = await page(encodeURIComponent(token));
      expect([404], token).toContain(get.statusCode);
      expect((await page(encodeURIComponent(token), 'POST')).statusCode, token).toBe(404);
    }
    // Rejecting needs a reason; the form says so and the link stays usable.
    const bare = await page(reject, 'POST');
    expect(bare.statusCode).toBe(422);
    expect(bare.body).toContain('comment is required');
    setClock(() => addSeconds(new Date(), 73 * 3600));
    const expired = await page(approve, 'POST');
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    expect((await page(reject)).statusCode).toBe(410);
  });

  it('checks the approver at the moment of use: a demoted approver is refused', async () => {
    const { approve, requestId } = await submitAndReadEmail('Demotion check');
    expectStatus(await w.owner.request('PATCH', `${w.base}/members/${approver.userId}`, { role: 'contributor' }), 200);
    const refused = await page(approve, 'POST');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('not an approver');
    expect((await w.t.database.db.select().from(approvalLinks).where(eq(approvalLinks.requestId, requestId))).every((l) => l.usedAt === null)).toBe(true);
    expectStatus(await w.owner.request('PATCH', `${w.base}/members/${approver.userId}`, { role: 'approver' }), 200);
    expect((await page(approve, 'POST')).statusCode).toBe(200);
  });

  it('a link for an earlier step is refused once the post moved on', async () => {
    const second = await memberWithRole(w.t.app, w.owner, w.workspaceId, 'approver', 'bea@acme.example');
    const [first] = (await w.owner.request('GET', `${w.base}/approval-workflows`)).json().workflows;
    const twoSteps = await w.owner.request('PUT', `${w.base}/approval-workflows/${first.id}`, {
      name: 'Two checks',
      conditions: { authorRoles: ['contributor'] },
      steps: [
        { name: 'Check', approvers: { userIds: [approver.userId, second.userId] }, rule: 'any' },
        { name: 'Sign-off', approvers: { userIds: [approver.userId] }, rule: 'any' },
      ],
    });
    expectStatus(twoSteps, 200);
    const { approve, requestId } = await submitAndReadEmail('Step check');
    // Bea approves step 1 in the app; Abel's step-1 link is now for a step that is over.
    expectStatus(await second.api.request('POST', `${w.base}/approvals/${requestId}/decision`, { decision: 'approved' }), 200);
    const stale = await page(approve, 'POST');
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('another approval step');
    // Abel gets fresh links for step 2.
    const mail = await until(() => smtp.received.map((m) => ({ ...m, data: unquote(m.data) })).find((m) => m.data.includes('Step check') && m.data.includes('Sign-off') && m.to.includes('abel@acme.example')), 'the step 2 email');
    expect((await page(linksIn(mail.data)[0]!, 'POST')).statusCode).toBe(200);
  });

  it('sends the request to Slack with approve and reject buttons when the approver set a webhook', async () => {
    const bad = await approver.api.request('PUT', '/api/v1/account/slack-webhook', { url: 'https://evil.example/hook' });
    expect(bad.statusCode).toBe(422);
    expectStatus(await approver.api.request('PUT', '/api/v1/account/slack-webhook', { url: 'https://hooks.slack.com/services/T0/B0/abc' }), 204);
    expect((await approver.api.request('GET', '/api/v1/account/slack-webhook')).json()).toEqual({ configured: true });
    const [stored] = await w.t.database.db.select().from(userSlackWebhooks).where(eq(userSlackWebhooks.userId, approver.userId));
    expect(stored!.webhookUrlSealed).not.toContain('hooks.slack.com');
    // Back to one step (the test before added a second); deliveries go to a local stand-in for Slack.
    const [workflow] = (await w.owner.request('GET', `${w.base}/approval-workflows`)).json().workflows;
    await w.owner.request('PUT', `${w.base}/approval-workflows/${workflow.id}`, { name: 'Abel checks', conditions: { authorRoles: ['contributor'] }, steps: [{ name: 'Check', approvers: { userIds: [approver.userId] }, rule: 'any' }] });
    await w.t.database.db.transaction((tx) => saveSlackWebhook(tx, { userId: approver.userId, orgId: w.orgId, label: 'test' }, w.t.chorus.config.secretKey, approver.userId, slack.url));
    const { postId } = await submitAndReadEmail('Slack check');
    const message = await until(() => slack.received.find((m) => m.body.text.includes('Slack check')), 'the Slack message');
    expect(message.path).toBe('/services/T0/B0/secret');
    const buttons = message.body.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => b.text.text)).toEqual(['Approve', 'Reject']);
    const [slackApprove, slackReject] = buttons.map((b) => linksIn(b.url)[0]!);
    const rejected = await page(slackReject!, 'POST', 'Wrong channel');
    expect(rejected.statusCode).toBe(200);
    const history = (await w.owner.request('GET', `${w.base}/posts/${postId}/approvals`)).json().requests;
    expect(history[0]).toMatchObject({ status: 'rejected', decisions: [{ via: 'slack', comment: 'Wrong channel' }] });
    expect((await page(slackApprove!, 'POST')).statusCode).toBe(409);
    expect(w.t.logLines.join('')).not.toContain('/services/T0/B0/secret');
    expectStatus(await approver.api.request('DELETE', '/api/v1/account/slack-webhook'), 204);
    expect((await approver.api.request('GET', '/api/v1/account/slack-webhook')).json()).toEqual({ configured: false });
  });
});


