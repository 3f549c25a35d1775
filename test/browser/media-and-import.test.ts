import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { Instance } from '../../src/instance.ts';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { socialProfiles } from '../../src/profiles/schema.ts';
import { postVariants } from '../../src/publishing/schema.ts';
import { linkClicks, trackedLinks } from '../../src/links/schema.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-media-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const ZONE = 'Europe/Paris';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Social', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery', timezone: ZONE };
const HANDLE = 'brand.test';

describe('media library, CSV import and notifications in the web app', () => {
  let setup: BrowserSetup;
  let instance: Instance;
  let browser: Browser;
  let url: string;

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-media-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    setup = await startChorusWithBrowser();
    ({ instance, browser, url } = setup);
  });

  afterAll(async () => {
    await setup?.close();
  });

  it('uploads media with alt text, imports a CSV row by row, and rings the bell when a post fails', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const setup = await page.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(setup.status()).toBe(201);
    const { csrfToken, workspaces } = (await setup.json()) as { csrfToken: string; workspaces: { id: string }[] };
    const workspaceId = workspaces[0]!.id;
    const api = `${url}/api/v1/workspaces/${workspaceId}`;
    const headers = { 'x-csrf-token': csrfToken };

    // A Bluesky profile whose stored credentials cannot be read: anything published to it fails.
    const profileId = randomUUID();
    await instance.chorus.db.insert(socialProfiles).values({
      id: profileId,
      workspaceId,
      network: 'bluesky',
      accountId: 'did:plc:brandtest',
      handle: HANDLE,
      displayName: 'Brand',
      serviceUrl: 'https://pds.invalid',
      credentialsSealed: 'not-a-sealed-document',
    });

    // Media library: an image made here, uploaded by the file chooser, with alt text written in place.
    await page.goto(`${url}/w/${workspaceId}/publish/media`);
    await page.getByRole('heading', { name: 'Media library' }).waitFor();
    await page.getByText('No media yet').waitFor();
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 79, g: 70, b: 229 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="480"><circle cx="320" cy="240" r="140" fill="#fbbf24"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    await page.getByLabel('Upload files').setInputFiles([
      { name: 'sunrise.png', mimeType: 'image/png', buffer: png },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture at all, just some words in a text file') },
    ]);
    const uploads = page.getByRole('list', { name: 'Uploads' });
    await uploads.getByRole('listitem').filter({ hasText: 'sunrise.png' }).getByText('Uploaded').waitFor();
    // The text file is refused with the server's reason (415), next to its name.
    await uploads.getByRole('listitem').filter({ hasText: 'notes.txt' }).getByText(/Only JPEG, PNG, GIF and WebP images/).waitFor();
    const card = page.getByRole('list', { name: 'Media files' }).getByRole('listitem', { name: 'sunrise.png' });
    await card.getByText('PNG · 640×480', { exact: false }).waitFor();
    await card.getByText('Missing').waitFor();
    expect(await card.locator('img').getAttribute('src')).toMatch(/\/thumbnail$/);
    await shot(page, 'library-uploaded');
    await card.getByLabel('Alt text for sunrise.png').fill('A yellow sun on an indigo sky');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Missing').waitFor({ state: 'detached' });
    await expect.poll(async () => ((await (await page.request.get(`${api}/media`)).json()) as { media: { altText: string }[] }).media[0]?.altText).toBe('A yellow sun on an indigo sky');
    await page.reload();
    expect(await page.getByRole('listitem', { name: 'sunrise.png' }).getByLabel('Alt text for sunrise.png').inputValue()).toBe('A yellow sun on an indigo sky');
    // Search and the kind filter narrow the grid.
    await page.getByLabel('Kind').selectOption({ label: 'Videos' });
    await page.getByText('Nothing matches').waitFor();
    await page.getByLabel('Kind').selectOption({ label: 'Images' });
    await page.getByLabel('Search').fill('yellow sun');
    await page.getByRole('listitem', { name: 'sunrise.png' }).waitFor();
    await shot(page, 'library');

    // Posting slots for the profile, in the workspace's zone.
    await page.goto(`${url}/w/${workspaceId}/settings/slots`);
    await page.getByText('Europe/Paris', { exact: false }).first().waitFor();
    await page.getByLabel('New time on Monday').fill('09:30');
    await page.getByRole('button', { name: 'Add time on Monday' }).click();
    await page.getByRole('button', { name: 'Copy to all weekdays' }).click();
    await page.getByRole('button', { name: 'Save slots' }).click();
    await page.getByRole('status').filter({ hasText: `Posting slots of @${HANDLE} saved.` }).waitFor();
    const slots = (await (await page.request.get(`${api}/profiles/${profileId}/slots`)).json()) as { slots: { weekday: number; time: string }[] };
    expect(slots.slots).toEqual([1, 2, 3, 4, 5].map((weekday) => ({ weekday, time: '09:30' })));
    await shot(page, 'slots');

    // CSV import: one row names a profile that does not exist. Nothing can be imported all at once.
    const day = DateTime.now().setZone(ZONE).plus({ days: 3 }).toISODate()!;
    const good = 'Spring is here, imported from a spreadsheet';
    const csv = [
      'profile,text,when,campaign,tags',
      `${HANDLE},"${good}",${day} 10:00,,spring;import`,
      `nobody.test,This row names an unknown profile,${day} 11:00,,`,
      `@${HANDLE},"A second good row, with a comma",${day} 12:00,,`,
    ].join('\n');
    await page.goto(`${url}/w/${workspaceId}/publish/import`);
    await page.getByLabel('CSV', { exact: true }).fill(csv);
    await page.getByRole('button', { name: 'Check' }).click();
    const bad = page.getByRole('row', { name: 'Line 3' });
    await bad.getByText('No connected profile "nobody.test" in this workspace.').waitFor();
    await page.getByText('3 rows: 2 ready, 1 with problems.').waitFor();
    expect(await page.getByRole('button', { name: 'Import all 3' }).isDisabled()).toBe(true);
    await shot(page, 'import-check');
    // The server refuses an all-or-nothing import with a bad row, and says which.
    const refused = await page.request.post(`${api}/posts/import`, { headers, data: { csv, mode: 'all_or_nothing', dryRun: false } });
    expect(refused.status()).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('csv_rows_invalid');
    await page.getByRole('button', { name: 'Import valid rows only (2)' }).click();
    await page.getByText('2 posts were scheduled; 1 row was left out.').waitFor();
    expect(await page.getByRole('link', { name: 'Open post' }).count()).toBe(2);
    await shot(page, 'import-done');
    await page.getByRole('link', { name: 'See them on the calendar' }).click();
    await page.waitForURL(/\/publish\/calendar\?view=list/);
    const listed = page.locator('.cal-list__item').filter({ hasText: good });
    await listed.getByText('Scheduled', { exact: true }).waitFor();
    await listed.getByText('10:00').waitFor();

    // A post to the broken profile fails at once; its author's bell says so and leads to the post.
    const created = await page.request.post(`${api}/posts`, { headers, data: { text: 'This one cannot go out', variants: [{ profileId }] } });
    expect(created.status()).toBe(201);
    const postId = ((await created.json()) as { post: { id: string } }).post.id;
    expect((await page.request.post(`${api}/posts/${postId}/schedule`, { headers, data: {} })).status()).toBe(200);
    await expect
      .poll(async () => ((await (await page.request.get(`${api}/posts/${postId}`)).json()) as { variants: { status: string }[] }).variants[0]?.status, { timeout: 30_000 })
      .toBe('failed');
    await page.reload();
    const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await panel.getByText(`Your post to ${HANDLE} was not published`).waitFor();
    await shot(page, 'bell');
    await panel.getByRole('link', { name: new RegExp(`Your post to ${HANDLE}`) }).click();
    await page.waitForURL(new RegExp(`/publish/posts/${postId}$`));
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

    // The composer: media from the library and a new upload through the picker, a weekly repeat,
    // and "Add to queue", which takes the profile's next posting slot.
    await page.getByRole('link', { name: 'New post' }).click();
    await page.getByRole('button', { name: `@${HANDLE}` }).click();
    const queued = 'Every week, from the queue, with pictures';
    await page.getByLabel('Text', { exact: true }).fill(queued);
    await page.getByRole('button', { name: 'Add media' }).click();
    const picker = page.getByRole('dialog', { name: 'Add media' });
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 5, g: 150, b: 105 } } }).jpeg().toBuffer();
    await picker.getByLabel('Upload files').setInputFiles({ name: 'meadow.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await picker.getByRole('button', { name: 'meadow.jpg, no alt text', pressed: true }).waitFor();
    await picker.getByRole('button', { name: 'sunrise.png: A yellow sun on an indigo sky' }).click();
    await picker.getByText('2 of 4 chosen').waitFor();
    await shot(page, 'picker');
    await picker.getByRole('button', { name: 'Attach 2 files' }).click();
    await picker.waitFor({ state: 'hidden' });
    expect(await page.getByRole('list', { name: 'Attached media' }).getByRole('listitem').count()).toBe(2);
    // The preview shows the pictures as the network would, with their alt text.
    await page.getByRole('article', { name: `Preview on Bluesky as @${HANDLE}` }).getByAltText('A yellow sun on an indigo sky').waitFor();
    await page.getByRole('combobox', { name: 'Repeat' }).selectOption({ label: 'Weekly' });
    await page.getByRole('combobox', { name: 'Ends' }).selectOption({ label: 'Ends after' });
    await page.getByLabel('Number of posts').fill('4');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await shot(page, 'composer-media');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await page.getByRole('status').filter({ hasText: /Added to the queue: .+, 09:30\./ }).waitFor();
    await page.waitForURL(/\/publish\/calendar\?date=/);
    const drafts = (await (await page.request.get(`${api}/calendar?from=${DateTime.now().toISODate()}&to=${DateTime.now().plus({ weeks: 2 }).toISODate()}`)).json()) as { items: { postId: string; text: string }[] };
    const queuedId = drafts.items.find((i) => i.text === queued)!.postId;
    const saved = (await (await page.request.get(`${api}/posts/${queuedId}`)).json()) as {
      post: { mediaIds: string[]; repeat: unknown };
      variants: { id: string; status: string; scheduledAt: string }[];
    };
    expect(saved.post.mediaIds).toHaveLength(2);
    expect(saved.post.repeat).toEqual({ every: 'week', interval: 1, count: 4 });
    expect(saved.variants[0]!.status).toBe('scheduled');
    const slot = DateTime.fromISO(saved.variants[0]!.scheduledAt, { zone: ZONE });
    expect(slot.toFormat('HH:mm')).toBe('09:30');
    expect(slot.weekday).toBeLessThanOrEqual(5);

    // Once out, the post shows its tracked link clicks and takes internal notes.
    const variantId = saved.variants[0]!.id;
    await instance.chorus.db.update(postVariants).set({ status: 'published', publishedAt: new Date() }).where(eq(postVariants.id, variantId));
    const linkId = randomUUID();
    await instance.chorus.db.insert(trackedLinks).values({ id: linkId, workspaceId, code: 'abc123', targetUrl: 'https://example.com/spring?utm_source=bluesky', originalUrl: 'https://example.com/spring', postId: queuedId, variantId, network: 'bluesky' });
    await instance.chorus.db.insert(linkClicks).values([{ linkId, agentClass: 'mobile' }, { linkId, agentClass: 'desktop' }, { linkId, agentClass: 'bot' }]);
    await page.goto(`${url}/w/${workspaceId}/publish/posts/${queuedId}`);
    const clicks = page.getByRole('region', { name: 'Link clicks' });
    await clicks.getByText('example.com/spring').waitFor();
    await clicks.getByLabel('2 clicks').waitFor();
    const notes = page.getByRole('region', { name: 'Internal notes' });
    await notes.getByLabel('Add a note').fill('Legal approved the pictures.');
    await notes.getByRole('button', { name: 'Add note' }).click();
    await notes.getByRole('listitem').filter({ hasText: 'Legal approved the pictures.' }).getByText('Olivia Owner').waitFor();
    await shot(page, 'post-notes');

    // A file can be deleted from the library after a confirmation.
    await page.goto(`${url}/w/${workspaceId}/publish/media`);
    await page.getByRole('button', { name: 'Delete meadow.jpg' }).click();
    await page.getByRole('dialog', { name: 'Delete media' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('listitem', { name: 'meadow.jpg' }).waitFor({ state: 'detached' });
    await page.getByRole('listitem', { name: 'sunrise.png' }).waitFor();

    // Link tracking settings.
    await page.goto(`${url}/w/${workspaceId}/settings/links`);
    await page.getByLabel('Shorten and track links').uncheck();
    await page.getByLabel('utm_medium').fill('organic-social');
    await page.getByRole('button', { name: 'Save link tracking' }).click();
    await page.getByRole('status').filter({ hasText: 'Link tracking saved.' }).waitFor();
    expect(((await (await page.request.get(`${api}/link-settings`)).json()) as { settings: unknown }).settings).toEqual({ shortenLinks: false, utmMedium: 'organic-social', defaultCampaign: '' });
    await shot(page, 'links');

    // The same pages on a phone.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${url}/w/${workspaceId}/publish/media`);
    await phonePage.getByRole('listitem', { name: 'sunrise.png' }).waitFor();
    await shot(phonePage, 'library-phone');
    await phonePage.goto(`${url}/w/${workspaceId}/publish/compose`);
    await phonePage.getByRole('button', { name: `@${HANDLE}` }).click();
    await phonePage.getByRole('button', { name: 'Add media' }).click();
    await phonePage.getByRole('dialog', { name: 'Add media' }).getByRole('button', { name: /^sunrise\.png/ }).click();
    await shot(phonePage, 'picker-phone');
    await phonePage.getByRole('dialog', { name: 'Add media' }).getByRole('button', { name: 'Attach 1 file' }).click();
    await phonePage.getByRole('list', { name: 'Attached media' }).waitFor();
    await shot(phonePage, 'composer-phone');
    await phonePage.goto(`${url}/w/${workspaceId}/publish/import`);
    // The file is read in the browser.
    await phonePage.getByLabel('CSV file').setInputFiles({ name: 'posts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await phonePage.getByText('posts.csv').waitFor();
    await phonePage.getByRole('button', { name: 'Check' }).click();
    await phonePage.getByText('No connected profile "nobody.test" in this workspace.').waitFor();
    await shot(phonePage, 'import-phone');
    await phonePage.goto(`${url}/w/${workspaceId}/settings/slots`);
    await phonePage.getByText('09:30').first().waitFor();
    await shot(phonePage, 'slots-phone');
    await phonePage.getByRole('button', { name: 'Notifications', exact: true }).click();
    await phonePage.getByRole('region', { name: 'Notifications' }).getByText(`Your post to ${HANDLE} was not published`).waitFor();
    await shot(phonePage, 'bell-phone');
    await phone.close();

    // Mark all read empties the count.
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    expect(await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Mark all read' }).isDisabled()).toBe(true);
    await context.close();
  });
});
