import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-approvals-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const ZONE = 'Europe/Paris';
const PASSWORD = 'correct horse battery';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Social', name: 'Olivia Owner', email: 'olivia@example.com', password: PASSWORD, timezone: ZONE };
const CONTRIBUTOR = { name: 'Carl Contributor', email: 'carl@example.com' };
const APPROVER = { name: 'Ada Approver', email: 'ada@example.com' };

interface VariantView {
  id: string;
  status: string;
  scheduledAt: string | null;
  publishedAt: string | null;
}

describe('approvals in the web app', () => {
  let setup: BrowserSetup;
  let browser: Browser;
  let net: LocalAtprotoNetwork;
  let url: string;
  let alice: TestAccount;
  let owner: BrowserContext;
  let ownerPage: Page;
  let workspaceId: string;
  let csrf: string;

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-approvals-${name}.png`, fullPage: true });
  };
  const api = async (request: APIRequestContext, method: 'GET' | 'POST', path: string, data?: unknown, token = csrf) => {
    const response = await request.fetch(`${url}/api/v1${path}`, { method, headers: { 'x-csrf-token': token }, ...(data === undefined ? {} : { data }) });
    if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
    return response.status() === 204 ? null : response.json();
  };

  /** Adds a member and sets their password through the invitation, as they would from the email. */
  const invite = async (person: { name: string; email: string }, role: string) => {
    const added = await api(owner.request, 'POST', `/workspaces/${workspaceId}/members`, { ...person, role });
    const token = String(added.invitationUrl).split('/invite/')[1];
    const outsider = await browser.newContext();
    await api(outsider.request, 'POST', '/auth/invitations/accept', { token, password: PASSWORD }, '');
    await outsider.close();
  };

  const signIn = async (person: { email: string }) => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Publish', level: 1 }).waitFor();
    return { context, page };
  };

  beforeAll(async () => {
    net = await startAtprotoNetwork('webapprovals');
    alice = await net.createAccount('alice');
    setup = await startChorusWithBrowser();
    ({ browser, url } = setup);
    owner = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    ownerPage = await owner.newPage();
    const created = await owner.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(created.status()).toBe(201);
    const session = await created.json();
    workspaceId = session.workspaces[0].id;
    csrf = session.csrfToken;
    await api(owner.request, 'POST', `/workspaces/${workspaceId}/profiles/app-password`, {
      network: 'bluesky',
      serviceUrl: net.pdsUrl,
      identifier: alice.handle,
      password: alice.appPassword,
    });
    await invite(CONTRIBUTOR, 'contributor');
    await invite(APPROVER, 'approver');
  });

  afterAll(async () => {
    await setup?.close();
    await net?.close();
  });

  it('a contributor submits a post, an approver approves it, and it publishes once at its time', async () => {
    // The owner sets up the workflow in Settings → Approvals.
    await ownerPage.goto(`${url}/w/${workspaceId}/settings/approvals`);
    await ownerPage.getByText('No approval workflows').waitFor();
    await ownerPage.getByRole('button', { name: 'New workflow' }).click();
    const dialog = ownerPage.getByRole('dialog', { name: 'New workflow' });
    await dialog.getByLabel('Name', { exact: true }).fill('Contributors need a review');
    await dialog.getByRole('group', { name: 'Written by' }).getByLabel('Contributor').check();
    await dialog.getByLabel('Step 1 name').fill('Brand review');
    // Approvers of the first step default to the approver role.
    expect(await dialog.getByRole('group', { name: 'Approvers: roles' }).getByLabel('Approver').isChecked()).toBe(true);
    await shot(ownerPage, 'workflow-dialog');
    await dialog.getByRole('button', { name: 'Create workflow' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = ownerPage.getByRole('listitem', { name: 'Contributors need a review' });
    await row.getByText('Written by contributor').waitFor();
    await row.getByText('Brand review: any of approvers', { exact: false }).waitFor();
    await shot(ownerPage, 'workflows');

    // The contributor writes a post and submits it for a time about 40 seconds ahead.
    const carl = await signIn(CONTRIBUTOR);
    await carl.page.getByRole('link', { name: 'New post' }).click();
    await carl.page.getByRole('button', { name: `@${alice.handle}` }).click();
    const text = `Our spring menu is out, reviewed before it goes out ${Date.now()}`;
    await carl.page.getByLabel('Text', { exact: true }).fill(text);
    await carl.page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    expect(await carl.page.getByRole('button', { name: 'Schedule', exact: true }).count()).toBe(0);
    const at = DateTime.now().setZone(ZONE).plus({ seconds: 40 }).startOf('second');
    await carl.page.getByLabel('Date', { exact: true }).fill(at.toISODate()!);
    await carl.page.getByLabel('Time', { exact: true }).fill(at.toFormat('HH:mm:ss'));
    await carl.page.getByRole('button', { name: 'Submit for approval' }).click();
    const panel = carl.page.getByRole('region', { name: 'Approval' });
    await panel.getByText('Awaiting approval').waitFor();
    await panel.getByText('Contributors need a review · step 1 of 1: Brand review').waitFor();
    await shot(carl.page, 'submitted');
    const postId = new URL(carl.page.url()).pathname.split('/').pop()!;
    const submitted = (await api(carl.context.request, 'GET', `/workspaces/${workspaceId}/posts/${postId}`)) as { variants: VariantView[] };
    expect(submitted.variants.map((v) => v.status)).toEqual(['pending_approval']);
    // The author cannot approve their own post: the queue says why.
    await carl.page.getByRole('link', { name: /^Approvals/ }).click();
    await carl.page.getByRole('link', { name: 'All pending' }).click();
    const own = carl.page.getByRole('listitem', { name: `Post by ${CONTRIBUTOR.name}` });
    await own.getByText(text).waitFor();
    expect(await own.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    // The approver signs in, sees it waiting for them (with a count in the navigation) and approves it.
    const ada = await signIn(APPROVER);
    const nav = ada.page.getByRole('link', { name: /^Approvals\W+1 waiting for you$/ });
    await nav.waitFor();
    await nav.click();
    const waiting = ada.page.getByRole('list', { name: 'Waiting for me' });
    const item = waiting.getByRole('listitem', { name: `Post by ${CONTRIBUTOR.name}` });
    await item.getByRole('article', { name: `Preview on Bluesky as @${alice.handle}` }).getByText(text).waitFor();
    await item.getByText(at.toFormat('cccc d LLLL, HH:mm')).waitFor();
    await item.getByText('Contributors need a review', { exact: false }).first().waitFor();
    await shot(ada.page, 'waiting');
    // Asking for changes needs a comment.
    await item.getByRole('button', { name: 'Request changes' }).click();
    await item.getByText('a comment is required', { exact: false }).waitFor();
    await item.getByLabel('Comment').fill('Lovely, ship it.');
    await item.getByRole('button', { name: 'Approve' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Approved.' }).waitFor();
    await ada.page.getByText('Nothing waits for your decision.').waitFor();
    await ada.page.getByRole('link', { name: 'Decided' }).click();
    const decided = ada.page.getByRole('listitem', { name: `Post by ${CONTRIBUTOR.name}` });
    await decided.getByText('Approved', { exact: true }).waitFor();
    await decided.getByText('Lovely, ship it.').waitFor();
    await shot(ada.page, 'decided');

    // It goes out on schedule, once, to the local AT network.
    let variant: VariantView | undefined;
    await expect
      .poll(
        async () => {
          const view = (await api(carl.context.request, 'GET', `/workspaces/${workspaceId}/posts/${postId}`)) as { variants: VariantView[] };
          variant = view.variants[0];
          return variant?.status;
        },
        { timeout: 120_000, interval: 1000 },
      )
      .toBe('published');
    expect(new Date(variant!.scheduledAt!).getTime()).toBe(at.toMillis());
    expect(new Date(variant!.publishedAt!).getTime()).toBeGreaterThanOrEqual(at.toMillis());
    const records = await alice.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 100 });
    const ours = records.data.records.filter((r) => (r.value as { text?: string }).text === text);
    expect(ours).toHaveLength(1);
    expect(new Date((ours[0]!.value as { createdAt: string }).createdAt).getTime()).toBeGreaterThanOrEqual(at.toMillis() - 1000);

    // The author sees the approval with its decision, and the history downloads as CSV.
    await carl.page.goto(`${url}/w/${workspaceId}/publish/posts/${postId}`);
    const done = carl.page.getByRole('region', { name: 'Approval' });
    await done.getByText('Approved', { exact: true }).waitFor();
    await done.getByRole('list', { name: 'Decisions' }).getByText(APPROVER.name).waitFor();
    await done.getByText('Lovely, ship it.').waitFor();
    const csvHref = await done.getByRole('link', { name: 'Download approval history (CSV)' }).getAttribute('href');
    const csv = await carl.context.request.get(`${url}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('approval.approved');
    await shot(carl.page, 'published');
    await carl.context.close();
    await ada.context.close();
    // The post waits about 40 seconds for its time, on a machine that may be busy.
  }, 180_000);

  it('an approver asks for changes with a comment, and the author sees it on the post, back to draft', async () => {
    const carl = await signIn(CONTRIBUTOR);
    await carl.page.getByRole('link', { name: 'New post' }).click();
    await carl.page.getByRole('button', { name: `@${alice.handle}` }).click();
    const text = `Weekend brunch, prices to follow ${Date.now()}`;
    await carl.page.getByLabel('Text', { exact: true }).fill(text);
    await carl.page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await carl.page.getByRole('button', { name: 'Submit for approval' }).click();
    await carl.page.getByRole('region', { name: 'Approval' }).getByText('Awaiting approval').waitFor();
    const postId = new URL(carl.page.url()).pathname.split('/').pop()!;

    const ada = await signIn(APPROVER);
    await ada.page.goto(`${url}/w/${workspaceId}/approvals`);
    const item = ada.page.getByRole('list', { name: 'Waiting for me' }).getByRole('listitem', { name: `Post by ${CONTRIBUTOR.name}` });
    await item.getByText(text).waitFor();
    await item.getByLabel('Comment').fill('Please add the prices before it goes out.');
    await item.getByRole('button', { name: 'Request changes' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Changes requested.' }).waitFor();
    await ada.context.close();

    await carl.page.reload();
    const panel = carl.page.getByRole('region', { name: 'Approval' });
    await panel.getByText('Changes requested', { exact: true }).waitFor();
    await panel.getByText('Please add the prices before it goes out.').waitFor();
    await carl.page.getByRole('button', { name: 'Submit for approval' }).waitFor();
    const view = (await api(carl.context.request, 'GET', `/workspaces/${workspaceId}/posts/${postId}`)) as { variants: VariantView[] };
    expect(view.variants.map((v) => v.status)).toEqual(['draft']);
    await shot(carl.page, 'changes-requested');
    await carl.context.close();
  }, 90_000);

  it('compliance rules: a bad pattern is refused with the reason, and a banned term stops scheduling', async () => {
    await ownerPage.goto(`${url}/w/${workspaceId}/settings/compliance`);
    await ownerPage.getByRole('button', { name: 'New rule' }).click();
    const dialog = ownerPage.getByRole('dialog', { name: 'New compliance rule' });
    await dialog.getByLabel('Name').fill('No broken patterns');
    await dialog.getByLabel('Kind').selectOption('regex');
    await dialog.getByLabel('Pattern', { exact: true }).fill('(unclosed');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.locator('.field__error').filter({ hasText: /pattern/i }).waitFor();
    await shot(ownerPage, 'rule-bad-pattern');

    await dialog.getByLabel('Name').fill('No promises of returns');
    await dialog.getByLabel('Kind').selectOption('banned_terms');
    await dialog.getByLabel('Words and phrases').fill('guaranteed returns');
    await dialog.getByLabel('Why (shown to authors)').fill('Financial promotions may not promise returns.');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await ownerPage.getByRole('listitem', { name: 'No promises of returns' }).getByText('Blocks').waitFor();

    await ownerPage.getByRole('link', { name: 'Publish' }).click();
    await ownerPage.getByRole('link', { name: 'New post' }).click();
    await ownerPage.getByRole('button', { name: `@${alice.handle}` }).click();
    await ownerPage.getByLabel('Text', { exact: true }).fill('Invest today for Guaranteed Returns!');
    // The composer shows the broken rule while typing, with why it exists.
    const notes = ownerPage.getByRole('region', { name: 'Compliance' });
    await notes.getByText('No promises of returns').waitFor();
    await notes.getByText('Financial promotions may not promise returns.').waitFor();
    await ownerPage.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    // Scheduling anyway is refused by the server, which says which rule.
    await ownerPage.getByRole('button', { name: 'Schedule', exact: true }).click();
    await ownerPage.getByRole('alert').filter({ hasText: 'This post breaks a compliance rule' }).waitFor();
    await shot(ownerPage, 'blocked');
    const postId = new URL(ownerPage.url()).pathname.split('/').pop()!;
    const view = (await api(owner.request, 'GET', `/workspaces/${workspaceId}/posts/${postId}`)) as { variants: VariantView[] };
    expect(view.variants.map((v) => v.status)).toEqual(['draft']);
  }, 90_000);
});
