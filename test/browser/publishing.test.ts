import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Instance } from '../../src/instance.ts';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { socialProfiles } from '../../src/profiles/schema.ts';
import { postVariants } from '../../src/publishing/schema.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-publishing-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const ZONE = 'Europe/Paris';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Social', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery', timezone: ZONE };

interface VariantView {
  id: string;
  profileId: string;
  handle: string;
  text: string;
  tailored: boolean;
  status: string;
  scheduledAt: string | null;
}

describe('publishing in the web app', () => {
  let setup: BrowserSetup;
  let instance: Instance;
  let browser: Browser;
  let net: LocalAtprotoNetwork;
  let url: string;
  let alice: TestAccount;
  let bob: TestAccount;

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-publishing-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    net = await startAtprotoNetwork('webpublish');
    alice = await net.createAccount('alice');
    bob = await net.createAccount('bob');
    setup = await startChorusWithBrowser();
    ({ instance, browser, url } = setup);
  });

  afterAll(async () => {
    await setup?.close();
    await net?.close();
  });

  const connectBluesky = async (page: Page, account: TestAccount) => {
    await page.getByRole('button', { name: 'Connect a profile' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a profile' });
    await dialog.getByRole('button', { name: /Bluesky/ }).click();
    const form = page.getByRole('dialog', { name: 'Connect Bluesky' });
    await form.getByLabel('Server (PDS) address').fill(net.pdsUrl);
    await form.getByLabel('Handle').fill(account.handle);
    await form.getByLabel('App password').fill(account.appPassword);
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    await form.waitFor({ state: 'hidden' });
    await page.getByRole('listitem').filter({ hasText: `@${account.handle}` }).getByText('Active').waitFor();
  };

  it('connects two Bluesky profiles, composes a tailored post, schedules it and drags it on the calendar', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    // The owner is set up through the API; the session cookie lands in the browser context.
    const setup = await page.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(setup.status()).toBe(201);

    // With no profiles, Publish points to Settings → Social profiles.
    await page.goto(url);
    await page.getByRole('heading', { name: 'Connect a social profile to start publishing' }).waitFor();
    const workspaceId = new URL(page.url()).pathname.split('/')[2]!;
    await shot(page, 'empty');
    await page.getByText('Connect your accounts in Settings → Social profiles', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Connect a profile' }).click();
    await page.getByRole('heading', { name: 'Social profiles' }).waitFor();

    // A wrong app password is refused with the network's reason, and nothing is saved.
    await page.getByRole('button', { name: 'Connect a profile' }).click();
    await page.getByRole('dialog', { name: 'Connect a profile' }).getByRole('button', { name: /Bluesky/ }).click();
    const form = page.getByRole('dialog', { name: 'Connect Bluesky' });
    await shot(page, 'connect-form');
    await form.getByLabel('Server (PDS) address').fill(net.pdsUrl);
    await form.getByLabel('Handle').fill(alice.handle);
    await form.getByLabel('App password').fill('wrong-wrong-wrong-wrong');
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    await form.getByRole('alert').filter({ hasText: /./ }).waitFor();
    await shot(page, 'connect-error');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'hidden' });

    // Back from a network's consent page with a refusal: the workspace's profiles page says so.
    await page.goto(`${url}/settings/profiles?error=access_denied&message=${encodeURIComponent('You did not approve Chorus.')}`);
    await page.getByRole('alert').filter({ hasText: 'You did not approve Chorus.' }).waitFor();
    await page.waitForURL(`${url}/w/${workspaceId}/settings/profiles`);

    // Organisation owners enter OAuth apps; the secret is never shown again.
    const xApp = page.getByRole('form', { name: 'X app' });
    await page.locator('details[data-network="x"] > summary').click();
    await xApp.getByLabel('Client id').fill('x-client-id');
    await xApp.getByLabel('Client secret').fill('x-client-secret');
    await xApp.getByRole('button', { name: 'Save X app' }).click();
    await page.locator('details[data-network="x"] > summary').getByText('Configured').waitFor();
    expect(await xApp.getByLabel('Client secret').inputValue()).toBe('');
    expect(await xApp.getByLabel('Client secret').getAttribute('placeholder')).toContain('stored');

    await connectBluesky(page, alice);
    await connectBluesky(page, bob);
    await shot(page, 'profiles');

    // A profile whose credentials died is flagged with its reason and can be reconnected in place.
    await instance.chorus.db
      .update(socialProfiles)
      .set({ status: 'needs_reconnect', statusReason: 'Bluesky refused the app password (revoked).' })
      .where(eq(socialProfiles.handle, bob.handle));
    await page.reload();
    const bobRow = page.getByRole('listitem').filter({ hasText: `@${bob.handle}` });
    await bobRow.getByText('Needs reconnecting').waitFor();
    await bobRow.getByText('Bluesky refused the app password (revoked).').waitFor();
    await shot(page, 'needs-reconnect');
    await bobRow.getByRole('button', { name: `Reconnect ${bob.handle}` }).click();
    const reconnect = page.getByRole('dialog', { name: `Reconnect @${bob.handle}` });
    expect(await reconnect.getByLabel('Handle').inputValue()).toBe(bob.handle);
    expect(await reconnect.getByLabel('Server (PDS) address').inputValue()).toBe(net.pdsUrl);
    await reconnect.getByLabel('App password').fill(bob.appPassword);
    await reconnect.getByRole('button', { name: 'Reconnect' }).click();
    await reconnect.waitFor({ state: 'hidden' });
    await bobRow.getByText('Active').waitFor();

    // A campaign to group the post under.
    await page.getByRole('link', { name: 'Publish' }).click();
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const campaignDialog = page.getByRole('dialog', { name: 'New campaign' });
    await campaignDialog.getByLabel('Name').fill('Spring launch');
    await campaignDialog.getByLabel('Goal').fill('Tell everyone that spring is here.');
    await campaignDialog.getByLabel('#059669').check();
    await campaignDialog.getByRole('button', { name: 'Create campaign' }).click();
    await campaignDialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'Spring launch' }).waitFor();
    await shot(page, 'campaigns');

    // Compose for both profiles, with bob's own text.
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('button', { name: `@${alice.handle}` }).click();
    await page.getByRole('button', { name: `@${bob.handle}` }).click();
    const shared = 'Spring is here! Read more at https://example.com/spring #launch';
    await page.getByLabel('Text', { exact: true }).fill(shared);
    // Each profile shows its own live count against Bluesky's 300 graphemes.
    await page.getByLabel(`@${alice.handle}: ${[...new Intl.Segmenter().segment(shared)].length} of 300 characters`).waitFor();
    await page.getByRole('button', { name: `Customize for @${bob.handle}` }).click();
    const bobText = 'Bob says: spring is here, with @alice.test #launch';
    await page.getByLabel(`Text for @${bob.handle}`).fill(bobText);
    // Too long for Bluesky: the network's reason shows next to the profile, then goes away.
    await page.getByLabel('Text', { exact: true }).fill('x'.repeat(301));
    await page.getByRole('list', { name: `Problems for @${alice.handle}` }).getByText(/Text is 301 of 300 allowed/).waitFor();
    await shot(page, 'composer-too-long');
    await page.getByLabel('Text', { exact: true }).fill(shared);
    await page.getByRole('list', { name: `Problems for @${alice.handle}` }).waitFor({ state: 'detached' });
    await page.getByLabel('Campaign').selectOption({ label: 'Spring launch' });
    await page.getByLabel('Tags').fill('launch');
    await page.getByLabel('Tags').press('Enter');
    await page.getByRole('button', { name: 'Remove tag launch' }).waitFor();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await page.waitForURL(/\/publish\/posts\/[0-9a-f-]{36}$/);
    const postId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('article', { name: `Preview on Bluesky as @${bob.handle}` }).getByText('Bob says:', { exact: false }).waitFor();
    await shot(page, 'composer');

    // Schedule for Wednesday next week, 10:30 in the workspace's zone.
    const wednesday = DateTime.now().setZone(ZONE).startOf('week').plus({ weeks: 1, days: 2 });
    const friday = wednesday.plus({ days: 2 });
    await page.getByLabel('Date', { exact: true }).fill(wednesday.toISODate()!);
    await page.getByLabel('Time', { exact: true }).fill('10:30');
    await page.getByText('Europe/Paris', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.waitForURL(/\/publish\/calendar\?date=/);

    // Both variants are on Wednesday; bob's is dragged to Friday and stays there.
    const wednesdayCell = page.locator(`[data-day="${wednesday.toISODate()}"]`);
    const fridayCell = page.locator(`[data-day="${friday.toISODate()}"]`);
    const item = (cell: typeof wednesdayCell, account: TestAccount) => cell.locator('.cal-item').filter({ has: page.locator('.cal-item__handle', { hasText: `@${account.handle}` }) });
    await item(wednesdayCell, alice).waitFor();
    await item(wednesdayCell, bob).waitFor();
    expect(await wednesdayCell.locator('.cal-item').count()).toBe(2);
    await shot(page, 'calendar-month');
    await item(wednesdayCell, bob).locator('a').dragTo(fridayCell);
    await item(fridayCell, bob).waitFor();
    await page.getByRole('status').filter({ hasText: `Moved @${bob.handle}’s post` }).waitFor();
    expect(await wednesdayCell.locator('.cal-item').count()).toBe(1);
    await shot(page, 'calendar-moved');
    // Coloured by campaign, and filtered by campaign, tag and profile.
    expect(await item(fridayCell, bob).evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(5, 150, 105)');
    await page.getByLabel('Profile').selectOption({ label: `@${alice.handle} (Bluesky)` });
    await expect.poll(() => page.locator('.cal-item').count()).toBe(1);
    await page.getByLabel('Profile').selectOption({ label: 'All profiles' });
    await page.getByLabel('Tag').fill('nope');
    await expect.poll(() => page.locator('.cal-item').count()).toBe(0);
    await page.getByLabel('Tag').fill('launch');
    await page.getByLabel('Campaign').selectOption({ label: 'Spring launch' });
    await expect.poll(() => page.locator('.cal-item').count()).toBe(2);

    // The server agrees: bob's variant moved by two whole days, same local time; alice's did not move.
    const answer = await page.request.get(`${url}/api/v1/workspaces/${workspaceId}/posts/${postId}`);
    const { variants } = (await answer.json()) as { variants: VariantView[] };
    const bobVariant = variants.find((v) => v.handle === bob.handle)!;
    const aliceVariant = variants.find((v) => v.handle === alice.handle)!;
    expect(bobVariant.tailored).toBe(true);
    expect(bobVariant.text).toBe(bobText);
    expect(aliceVariant.text).toBe(shared);
    expect(bobVariant.status).toBe('scheduled');
    const bobAt = DateTime.fromISO(bobVariant.scheduledAt!, { zone: ZONE });
    const aliceAt = DateTime.fromISO(aliceVariant.scheduledAt!, { zone: ZONE });
    expect(aliceAt.toFormat("yyyy-MM-dd'T'HH:mm")).toBe(`${wednesday.toISODate()}T10:30`);
    expect(bobAt.toFormat("yyyy-MM-dd'T'HH:mm")).toBe(`${friday.toISODate()}T10:30`);
    expect(bobAt.diff(aliceAt, 'days').days).toBeCloseTo(2, 1);

    // Week and list views show the same posts; the list offers a keyboard "Move to…".
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await item(page.locator(`[data-day="${friday.toISODate()}"]`), bob).waitFor();
    await shot(page, 'calendar-week');
    await page.getByRole('button', { name: 'List', exact: true }).click();
    await page.getByRole('button', { name: `Move @${bob.handle}’s post` }).click();
    const move = page.getByRole('dialog', { name: 'Move post' });
    await move.getByLabel('Move to…').fill(wednesday.plus({ days: 1 }).toISODate()!);
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    await move.waitFor({ state: 'hidden' });
    await page.getByRole('region', { name: wednesday.plus({ days: 1 }).toFormat('cccc d LLLL') }).getByText(`@${bob.handle}`, { exact: true }).waitFor();
    await shot(page, 'calendar-list');

    // Clicking a post opens it in the composer.
    await page.getByRole('link', { name: bobText }).click();
    await page.getByLabel(`Text for @${bob.handle}`).waitFor();
    expect(await page.getByLabel(`Text for @${bob.handle}`).inputValue()).toBe(bobText);

    // A draft is kept without pressing anything, listed under Drafts, and can be deleted.
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('button', { name: `@${bob.handle}` }).click();
    const idea = 'An idea for later, not ready yet';
    await page.getByLabel('Text', { exact: true }).fill(idea);
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await page.getByRole('link', { name: 'Drafts' }).click();
    await page.getByRole('link', { name: new RegExp(idea) }).click();
    expect(await page.getByLabel('Text', { exact: true }).inputValue()).toBe(idea);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete post' }).getByRole('button', { name: 'Delete post' }).click();
    await page.getByText('No drafts').waitFor();
    await shot(page, 'drafts-empty');

    // Publish now: the calendar follows it until it is out, and the post opens read-only with its link.
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('button', { name: `@${alice.handle}` }).click();
    const now = `Published from the Chorus browser test ${Date.now()}`;
    await page.getByLabel('Text', { exact: true }).fill(now);
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.waitForURL(/\/publish\/calendar$/);
    await page.getByRole('button', { name: 'List', exact: true }).click();
    const published = page.locator('.cal-list__item').filter({ hasText: now });
    await published.getByText('Published', { exact: true }).waitFor({ timeout: 30_000 });
    await published.getByRole('link', { name: now }).click();
    await page.getByText('This post has gone out', { exact: false }).waitFor();
    const remote = await page.getByRole('link', { name: 'View on Bluesky' }).getAttribute('href');
    expect(remote).toMatch(/^https:\/\/bsky\.app\/profile\/.+\/post\/.+/);
    await shot(page, 'published');

    // The same pages on a phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const phonePage = await phone.newPage();
    // Phones open the calendar as a list.
    await phonePage.goto(`${url}/w/${workspaceId}/publish/calendar?date=${wednesday.toISODate()}`);
    await phonePage.getByRole('region', { name: wednesday.plus({ days: 1 }).toFormat('cccc d LLLL') }).getByText(`@${bob.handle}`, { exact: true }).waitFor();
    await shot(phonePage, 'calendar-phone');
    await phonePage.getByRole('button', { name: 'Month', exact: true }).click();
    await phonePage.locator(`[data-day="${friday.toISODate()}"]`).waitFor();
    await shot(phonePage, 'calendar-month-phone');
    await phonePage.goto(`${url}/w/${workspaceId}/publish/posts/${postId}`);
    await phonePage.getByLabel(`Text for @${bob.handle}`).waitFor();
    await shot(phonePage, 'composer-phone');
    await phonePage.goto(`${url}/w/${workspaceId}/settings/profiles`);
    await phonePage.getByText(`@${bob.handle}`).waitFor();
    await shot(phonePage, 'profiles-phone');
    await phone.close();

    // A post Chorus could not be sure about asks a person: it was published, or publish again.
    const reason = 'Chorus stopped while publishing this post and the network cannot tell whether it arrived.';
    await instance.chorus.db.update(postVariants).set({ status: 'needs_attention', lastError: reason }).where(eq(postVariants.id, aliceVariant.id));
    await page.goto(`${url}/w/${workspaceId}/publish/calendar?view=list&date=${wednesday.toISODate()}`);
    const attention = page.locator('.cal-list__item').filter({ hasText: shared });
    await attention.getByText('Needs attention', { exact: true }).waitFor();
    await attention.getByText(reason).waitFor();
    await shot(page, 'needs-attention');
    await attention.getByRole('button', { name: 'It was published' }).click();
    await attention.getByText('Published', { exact: true }).waitFor();
    await context.close();
  });
});
