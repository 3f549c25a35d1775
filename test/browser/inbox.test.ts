import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-inbox-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Care', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery', timezone: 'Europe/London' };
const SAM = { name: 'Sam Support', email: 'sam@example.com', password: 'sam password 123' };

/** Requests as someone signed in through this browser context: the session cookie plus the CSRF header. */
function apiAs(request: APIRequestContext, url: string, csrfToken: string, workspaceId: string) {
  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, data?: unknown) => {
    const response = await request.fetch(`${url}/api/v1/workspaces/${workspaceId}${path}`, { method, headers: { 'x-csrf-token': csrfToken }, ...(data === undefined ? {} : { data }) });
    if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
    return response.status() === 204 ? null : response.json();
  };
  return call;
}

describe('the inbox in the web app', () => {
  let setup: BrowserSetup;
  let browser: Browser;
  let net: LocalAtprotoNetwork;
  let url: string;
  let brand: TestAccount;
  let customer: TestAccount;

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-inbox-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    net = await startAtprotoNetwork('webinbox');
    brand = await net.createAccount('brand');
    customer = await net.createAccount('customer');
    await customer.agent.upsertProfile((profile) => ({ ...profile, displayName: 'Casey Customer' }));
    setup = await startChorusWithBrowser();
    ({ browser, url } = setup);
  });

  afterAll(async () => {
    await setup?.close();
    await net?.close();
  });

  it('works a conversation from arrival to closed, with a saved reply sent to the exact mention, while a teammate is seen viewing it', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const page = await context.newPage();
    const created = await page.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(created.status()).toBe(201);
    const session = (await created.json()) as { csrfToken: string; user: { id: string }; workspaces: { id: string }[] };
    const workspaceId = session.workspaces[0]!.id;
    const api = apiAs(page.request, url, session.csrfToken, workspaceId);

    // The brand's Bluesky profile, a Support team with Olivia and Sam in it, and a routing rule.
    const { profile } = await api('POST', '/profiles/app-password', { network: 'bluesky', serviceUrl: net.pdsUrl, identifier: brand.handle, password: brand.appPassword });
    const { team: support } = await api('POST', '/teams', { name: 'Support' });
    const invited = await api('POST', '/members', { email: SAM.email, name: SAM.name, role: 'contributor' });
    await api('PUT', `/teams/${support.id}/members/${session.user.id}`);
    await api('PUT', `/teams/${support.id}/members/${invited.member.userId}`);
    await api('POST', '/routing-rules', { name: 'Problems go to Support', conditions: { keywords: ['broken', 'refund'] }, actions: { teamId: support.id, priority: 'high', tags: ['problem'] } });

    // Settings → Saved replies: a template with variables, inserted from the cheat sheet.
    await page.goto(`${url}/w/${workspaceId}/settings/saved-replies`);
    await page.getByRole('button', { name: 'New saved reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'New saved reply' });
    await dialog.getByLabel('Name').fill('Broken order');
    const body = dialog.getByLabel('Text');
    await body.fill('Hi ');
    await dialog.getByRole('button', { name: '{{author.name}}' }).click();
    await body.press('End');
    await body.pressSequentially(', so sorry! Send us your order number and we will replace it today. ');
    await dialog.getByRole('button', { name: '{{agent.first_name}}' }).click();
    expect(await body.inputValue()).toBe('Hi {{author.name}}, so sorry! Send us your order number and we will replace it today. {{agent.first_name}}');
    await dialog.getByLabel('Offered first to').selectOption({ label: 'Support' });
    await dialog.getByRole('button', { name: 'Save reply' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('listitem').filter({ hasText: 'Broken order' }).getByText('Support').waitFor();
    await shot(page, 'saved-replies');

    // Settings → Inbox: Support answers within 10 minutes and is warned after 1% of that (6 s).
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Inbox' }).click();
    await page.getByLabel('First response target for Support, in minutes').fill('10');
    await page.getByLabel('Warning share for Support, in percent').fill('1');
    await page.getByRole('button', { name: 'Save service level for Support' }).click();
    await page.getByText('Service level for Support saved.').waitFor();
    // Support holds the brand's inbox: its members (and owners, admins) see those conversations.
    const supportInbox = page.getByRole('group', { name: 'Support' });
    await supportInbox.getByLabel(`@${brand.handle}`).check();
    await supportInbox.getByRole('button', { name: 'Save Support’s inbox' }).click();
    await page.getByText('Support’s inbox saved.').waitFor();
    expect((await api('GET', `/teams/${support.id}/inbox-profiles`)).profileIds).toEqual([profile.id]);
    await shot(page, 'inbox-settings');

    // The customer talks to the brand twice on the network: praise first, then a problem.
    const customerCredentials = await net.connect(customer);
    const bsky = createBlueskyConnector();
    await bsky.publish(customerCredentials, { text: `@${brand.handle} love the new colours!`, idempotencyKey: 'customer-praise' });
    const mention = await bsky.publish(customerCredentials, { text: `@${brand.handle} my order arrived broken`, idempotencyKey: 'customer-broken' });
    await net.processAll();

    // Olivia opens the inbox and asks for new messages now.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL(/\/inbox/);
    await page.getByRole('button', { name: 'Check for new messages' }).click();
    await page.getByText('Checked every profile for new messages.').waitFor();
    const views = page.getByRole('navigation', { name: 'Inbox views' });
    const list = page.getByRole('list', { name: 'Conversations' });
    const problemRow = list.getByRole('listitem').filter({ hasText: 'my order arrived broken' });
    await problemRow.waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
    await views.getByRole('button', { name: /^My team/ }).getByLabel('1 unread').waitFor();
    await views.getByRole('button', { name: /^All open/ }).getByLabel('2 unread').waitFor();
    await problemRow.getByText('high', { exact: true }).waitFor();
    await problemRow.getByText('problem', { exact: true }).waitFor();
    await problemRow.getByText('→ Support').waitFor();
    await problemRow.getByLabel('Unread').waitFor();
    // Nearing the first-response target: highlighted in the list.
    await expect
      .poll(
        async () => {
          await page.reload();
          await problemRow.waitFor();
          return problemRow.getByText('SLA nearing').isVisible();
        },
        { timeout: 30_000, interval: 2000 },
      )
      .toBe(true);
    await shot(page, 'queue');

    // j then Enter opens the newest conversation: the problem.
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]c=[0-9a-f-]{36}/);
    const conversationId = new URL(page.url()).searchParams.get('c')!;
    const pane = page.getByRole('region', { name: 'Conversation with Casey Customer' });
    await pane.getByText('my order arrived broken').waitFor();
    const author = page.getByRole('complementary', { name: 'Author' });
    await author.getByText('Casey Customer').waitFor();
    await author.getByText(`@${customer.handle}`).waitFor();
    await author.getByRole('link', { name: /Mention on Bluesky/ }).waitFor(); // the praise, their earlier conversation
    // Opened: read, in the list and in the counts.
    await problemRow.getByLabel('Unread').waitFor({ state: 'detached' });
    await views.getByRole('button', { name: /^My team/ }).getByLabel(/unread/).waitFor({ state: 'detached' });

    // Sam opens the same conversation in his own browser: Olivia sees him there, then typing.
    const samContext = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const samPage = await samContext.newPage();
    const accepted = await samPage.request.post(`${url}/api/v1/auth/invitations/accept`, { data: { token: invited.invitationUrl.split('/invite/')[1], password: SAM.password } });
    expect(accepted.status()).toBe(200);
    await samPage.goto(`${url}/w/${workspaceId}/inbox?c=${conversationId}`);
    await samPage.getByRole('region', { name: 'Conversation with Casey Customer' }).waitFor();
    const presence = pane.getByRole('status').filter({ hasText: SAM.name });
    await presence.filter({ hasText: `${SAM.name} is viewing` }).waitFor({ timeout: 10_000 });
    await samPage.getByLabel(`Reply to @${customer.handle}`).fill('Let me look');
    await presence.filter({ hasText: `${SAM.name} is replying…` }).waitFor({ timeout: 10_000 });
    await shot(page, 'presence');
    // Leaving the conversation says so at once.
    await samPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publish' }).click();
    await presence.waitFor({ state: 'detached', timeout: 10_000 });

    // n: an internal note, sent with Ctrl+Enter; it is marked internal in the thread.
    await page.keyboard.press('n');
    await page.keyboard.type('Customer since 2019, replace without asking for photos.');
    await page.keyboard.press('Control+Enter');
    const note = pane.getByRole('listitem').filter({ hasText: 'Customer since 2019' });
    await note.getByText('Internal').waitFor();

    // a: assigned to Olivia herself.
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.getByText('Assigned to you.').waitFor();
    await expect.poll(() => pane.getByLabel('Assignee').locator('option:checked').textContent()).toBe(OWNER.name);

    // r: the reply box; the saved reply comes back with the variables filled in by the server.
    await page.keyboard.press('r');
    const reply = pane.getByLabel(`Reply to @${customer.handle}`);
    expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);
    await pane.getByLabel('Insert a saved reply').selectOption({ label: 'Broken order' });
    const expected = 'Hi Casey Customer, so sorry! Send us your order number and we will replace it today. Olivia';
    await expect.poll(() => reply.inputValue()).toBe(expected);
    await pane.getByLabel(`${[...expected].length} of 300 characters`).waitFor();
    await shot(page, 'reply');

    // Meanwhile Sam answered from elsewhere: Olivia is told, sees his answer, and sends hers anyway.
    const samText = 'Sam here: we are on it.';
    const samApi = apiAs(samPage.request, url, ((await accepted.json()) as { csrfToken: string }).csrfToken, workspaceId);
    await samApi('POST', `/inbox/${conversationId}/reply`, { text: samText });
    await reply.press('Control+Enter');
    const collision = pane.getByRole('alert').filter({ hasText: `${SAM.name} replied to this conversation after you opened it` });
    await collision.waitFor();
    await pane.getByRole('listitem').filter({ hasText: samText }).waitFor();
    expect(await reply.inputValue()).toBe(expected);
    await shot(page, 'collision');
    await collision.getByRole('button', { name: 'Send anyway' }).click();
    await page.getByText('Reply sent.').waitFor();
    await collision.waitFor({ state: 'detached' });
    await samContext.close();
    const sent = pane.getByRole('listitem').filter({ hasText: expected });
    await sent.getByText(`sent by ${OWNER.name}`).waitFor();
    await pane.getByRole('listitem').filter({ hasText: samText }).getByText(`sent by ${SAM.name}`).waitFor();
    await sent.getByRole('link', { name: 'View on Bluesky' }).waitFor();
    expect(await reply.inputValue()).toBe('');
    // Answered: waiting on the customer, so out of the open queue and in the pending one.
    await expect.poll(() => pane.getByLabel('Status').inputValue()).toBe('pending');
    const row = list.locator(`[data-conversation-id="${conversationId}"]`);
    await row.waitFor({ state: 'detached' });
    const statusFilter = page.getByRole('group', { name: 'Filters' }).getByRole('combobox', { name: 'Status' });
    await statusFilter.selectOption('pending');
    await row.getByText(expected.slice(0, 30)).waitFor();

    // e: closed; it leaves the pending queue and the pane, and Closed lists it.
    await pane.getByRole('heading', { name: 'Casey Customer' }).first().click(); // out of the filter, still in the conversation
    await page.keyboard.press('e');
    await page.getByText('Conversation closed.').waitFor();
    await page.waitForURL((u) => !u.searchParams.has('c'));
    await row.waitFor({ state: 'detached' });
    await views.getByRole('button', { name: /^All open/ }).click();
    await list.getByRole('listitem').filter({ hasText: 'love the new colours' }).waitFor();
    expect(await row.count()).toBe(0);
    await statusFilter.selectOption('closed');
    await row.getByText('closed', { exact: true }).waitFor();
    await shot(page, 'closed');

    // These filters saved as a personal view, listed with the others.
    await views.getByRole('button', { name: 'Save current filters as view' }).click();
    const saveView = page.getByRole('dialog', { name: 'Save view' });
    await saveView.getByLabel('Name').fill('Closed lately');
    await saveView.getByRole('button', { name: 'Save view' }).click();
    await saveView.waitFor({ state: 'hidden' });
    await views.getByRole('button', { name: 'Closed lately', exact: true }).waitFor();
    expect(await views.getByRole('button', { name: 'Closed lately', exact: true }).getAttribute('aria-current')).toBe('true');

    // x selects the praise for a bulk action: tagged and given to Sam in one go.
    await views.getByRole('button', { name: /^All open/ }).click();
    const praise = list.getByRole('listitem').filter({ hasText: 'love the new colours' });
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByText('1 selected').waitFor();
    await bulk.getByLabel('Tag to add to selected').fill('praise');
    await bulk.getByRole('button', { name: 'Add tag' }).click();
    await praise.getByText('praise', { exact: true }).waitFor();
    await page.keyboard.press('x');
    await bulk.getByLabel('Assign selected to a person').selectOption({ label: SAM.name });
    await praise.getByText(`→ ${SAM.name}`).waitFor();
    await bulk.waitFor({ state: 'detached' });

    // ? lists the shortcuts.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Close (done)').waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // On the network, the answer is a reply to the customer's exact post, from the brand.
    await net.processAll();
    const thread = await customer.agent.app.bsky.feed.getPostThread({ uri: mention.posts[0]!.id });
    const replies = (thread.data.thread as { replies?: { post: { author: { handle: string }; record: { text: string } } }[] }).replies ?? [];
    expect(replies.map((r) => [r.post.author.handle, r.post.record.text]).sort()).toEqual([[brand.handle, expected], [brand.handle, samText]].sort());
    const detail = await api('GET', `/inbox/${conversationId}`);
    expect(detail.conversation).toMatchObject({ status: 'closed', assigneeTeamId: support.id, priority: 'high' });
    expect(detail.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ['inbound', `@${brand.handle} my order arrived broken`],
      ['outbound', samText],
      ['outbound', expected],
    ]);
    expect(detail.notes.map((n: { body: string; authorName: string }) => [n.authorName, n.body])).toEqual([[OWNER.name, 'Customer since 2019, replace without asking for photos.']]);

    // On a phone: the views and the queue, then the conversation alone with a way back.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/w/${workspaceId}/inbox`);
    await views.getByRole('button', { name: /^Mine/ }).waitFor();
    await praise.getByRole('button').click();
    await page.getByRole('region', { name: 'Conversation with Casey Customer' }).getByText('love the new colours').waitFor();
    expect(await list.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await praise.waitFor();
    await shot(page, 'phone');
    await context.close();
  }, 180_000);
});
