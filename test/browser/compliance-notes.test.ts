import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { saveConnection } from '../../src/profiles/service.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots to /tmp/chorus-compliance-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Social', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery', timezone: 'Europe/Paris' };

describe('compliance notes in the composer', () => {
  let setup: BrowserSetup;

  beforeAll(async () => {
    setup = await startChorusWithBrowser();
  });
  afterAll(() => setup?.close());

  it('lists the rules a draft breaks while the author types, and clears them once the text is fixed', async () => {
    const { browser, url, instance } = setup;
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const created = await page.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(created.status()).toBe(201);
    const { csrfToken, workspaces } = (await created.json()) as { csrfToken: string; workspaces: { id: string }[] };
    const workspaceId = workspaces[0]!.id;
    const orgId = (await instance.chorus.db.query.workspaces.findFirst())!.orgId;
    await saveConnection(instance.chorus.db, { userId: null, orgId, label: 'test' }, instance.chorus.config.secretKey, workspaceId, {
      credentials: { network: 'x', accountId: '2', accessToken: 'x-token' },
      profile: { id: '2', handle: 'acme', displayName: 'Acme' },
    });
    const rule = (data: unknown) => page.request.post(`${url}/api/v1/workspaces/${workspaceId}/compliance-rules`, { headers: { 'x-csrf-token': csrfToken }, data });
    expect((await rule({ name: 'No refund promises', description: 'Support decides refunds.', effect: 'block', config: { kind: 'banned_terms', terms: ['refund'] } })).status()).toBe(201);
    expect((await rule({ name: 'Sponsored posts say so', effect: 'sensitive', scope: { tags: ['sponsored'] }, config: { kind: 'required_disclaimer', disclaimer: '#ad' } })).status()).toBe(201);

    await page.goto(`${url}/w/${workspaceId}/publish/compose`);
    await page.getByRole('button', { name: /@acme/ }).click();
    const text = page.getByLabel('Text', { exact: true });
    await text.fill('Full re\u200Bfunds, always');
    const notes = page.getByRole('region', { name: 'Compliance' });
    await notes.getByText('No refund promises').waitFor();
    await notes.getByText('cannot be published as it is').waitFor();
    await notes.getByText('blocks', { exact: true }).waitFor();
    expect(await notes.locator('mark').textContent()).toBe('re\u200Bfunds');
    await notes.getByText('Support decides refunds.').waitFor();
    if (SCREENSHOTS) await page.screenshot({ path: '/tmp/chorus-compliance-blocked.png', fullPage: true });

    // Fixing the text clears the block; tagging the post sponsored brings in the disclaimer rule.
    await text.fill('Spring sale, always');
    await notes.waitFor({ state: 'hidden' });
    const tags = page.getByLabel('Tags');
    await tags.fill('sponsored');
    await tags.press('Enter');
    await notes.getByText('Sponsored posts say so').waitFor();
    await notes.getByText('needs stricter approval', { exact: true }).waitFor();
    await notes.getByText('This post needs stricter approval.').waitFor();
    if (SCREENSHOTS) await page.screenshot({ path: '/tmp/chorus-compliance-sensitive.png', fullPage: true });
    await text.fill('Spring sale, always #ad');
    await notes.waitFor({ state: 'hidden' });
    await context.close();
  });
});
