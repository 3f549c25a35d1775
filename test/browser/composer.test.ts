/**
 * The composer's helpers in a real browser: the emoji picker, @mention suggestions (Mastodon's
 * account search, played from a recorded answer), a link card from a local site, and one profile
 * with its own media.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';
import { createConnectors } from '../../src/connectors/registry.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { FakeFetch, fixture } from '../connectors/fake-fetch.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-composer-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';
const OWNER = { organizationName: 'Acme', workspaceName: 'Acme Social', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery', timezone: 'Europe/Paris' };

interface VariantView {
  profileId: string;
  mediaIds: string[];
  text: string;
}

describe('the composer in the web app', () => {
  let setup: BrowserSetup;
  let site: Server;
  let siteUrl: string;
  const mastodonFetch = new FakeFetch();

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-composer-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    site = createServer((req, res) => {
      if (req.url === '/spring') {
        return res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<html><head><title>Spring</title><meta property="og:title" content="Our spring collection"><meta property="og:description" content="Forty new pieces, made to last."><meta property="og:image" content="/cover.png"></head></html>');
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const connectors = connectorsFrom([createMastodonConnector({ http: mastodonFetch.options() }), ...createConnectors().filter((c) => c.info.network !== 'mastodon')]);
    // The site runs on this machine: previews may fetch local addresses here only.
    setup = await startChorusWithBrowser({ connectors, config: { linkPreviewAllowPrivate: true } });
  });

  afterAll(async () => {
    await setup?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('inserts an emoji, completes a mention, shows a link card and gives one profile its own media', async () => {
    const { browser, url, instance } = setup;
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const created = await page.request.post(`${url}/api/v1/setup`, { data: OWNER });
    expect(created.status()).toBe(201);
    const { csrfToken, workspaces } = (await created.json()) as { csrfToken: string; workspaces: { id: string }[] };
    const workspaceId = workspaces[0]!.id;
    const api = `${url}/api/v1/workspaces/${workspaceId}`;

    const orgId = (await instance.chorus.db.query.workspaces.findFirst())!.orgId;
    const actor = { userId: null, orgId, label: 'test' };
    const key = instance.chorus.config.secretKey;
    const mastodon = await saveConnection(instance.chorus.db, actor, key, workspaceId, {
      credentials: { network: 'mastodon', accountId: '1', accessToken: 'mastodon-token', serviceUrl: 'https://social.example' },
      profile: { id: '1', handle: 'chorusteam', displayName: 'Chorus Team' },
    });
    const x = await saveConnection(instance.chorus.db, actor, key, workspaceId, {
      credentials: { network: 'x', accountId: '2', accessToken: 'x-token' },
      profile: { id: '2', handle: 'acme', displayName: 'Acme' },
    });
    const image = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 240, g: 120, b: 40 } } }).png().toBuffer();
    const uploaded = await page.request.post(`${api}/media`, {
      headers: { 'x-csrf-token': csrfToken },
      multipart: { altText: 'An orange square', file: { name: 'orange.png', mimeType: 'image/png', buffer: image } },
    });
    expect(uploaded.status()).toBe(201);
    const mediaId = ((await uploaded.json()) as { media: { id: string } }).media.id;

    await page.goto(`${url}/w/${workspaceId}/publish/compose`);
    await page.getByRole('button', { name: /@chorusteam/ }).click();
    await page.getByRole('button', { name: /@acme/ }).click();
    const text = page.getByLabel('Text', { exact: true });

    // Emoji: search, move with the keyboard, Enter inserts at the caret.
    await text.fill('Spring is here ');
    await page.getByRole('button', { name: 'Add emoji to the shared text' }).click();
    const picker = page.getByRole('dialog', { name: 'Emoji' });
    await picker.getByLabel('Search emoji').fill('sunflower');
    await picker.getByRole('option', { name: 'sunflower' }).waitFor();
    await page.keyboard.press('Enter');
    await picker.waitFor({ state: 'hidden' });
    expect(await text.inputValue()).toBe('Spring is here 🌻');
    // It is remembered under "Recently used".
    await page.getByRole('button', { name: 'Add emoji to the shared text' }).click();
    await picker.getByRole('tab', { name: 'Recently used', selected: true }).waitFor();
    await picker.getByRole('option', { name: 'sunflower' }).waitFor();
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });
    await shot(page, 'emoji');

    // The first autosave turns the new post into a saved draft (its own address); typing goes on there.
    await page.waitForURL(/\/publish\/posts\//);
    await text.waitFor();

    // @mention: the Mastodon instance's account search, inserted as @user@instance.
    for (let i = 0; i < 4; i++) mastodonFetch.on('GET https://social.example/api/v2/search', fixture('mastodon', 'search_accounts'));
    await text.press('End');
    await text.pressSequentially(' Thanks @ali');
    const suggestions = page.getByRole('listbox', { name: 'Mention suggestions' });
    await suggestions.getByRole('option', { name: /@alice@social\.example/ }).waitFor();
    await shot(page, 'mention');
    await suggestions.getByRole('option', { name: /@alice@social\.example/ }).click();
    expect(await text.inputValue()).toBe('Spring is here 🌻 Thanks @alice@social.example ');
    const search = mastodonFetch.sent.find((r) => r.url.pathname === '/api/v2/search')!;
    expect(search.url.searchParams.get('type')).toBe('accounts');
    expect(search.headers.authorization).toBe('Bearer mastodon-token');

    // A link: each preview shows its card, read from the page's Open Graph tags.
    await text.pressSequentially(`${siteUrl}/spring`);
    const mastodonPreview = page.getByRole('article', { name: 'Preview on Mastodon as @chorusteam' });
    const xPreview = page.getByRole('article', { name: 'Preview on X as @acme' });
    await mastodonPreview.getByText('Our spring collection').waitFor();
    await mastodonPreview.getByText('Forty new pieces, made to last.').waitFor();
    await xPreview.getByText('Our spring collection').waitFor();
    expect(await mastodonPreview.locator('.link-card img').getAttribute('src')).toBe(`${siteUrl}/cover.png`);
    await shot(page, 'link-card');

    // @acme gets its own media: its preview shows the image (and so no card), Mastodon's does not.
    await page.getByRole('button', { name: 'Customize for @acme' }).click();
    await page.getByRole('button', { name: 'Own media for @acme' }).click();
    const mediaPicker = page.getByRole('dialog', { name: 'Add media' });
    await mediaPicker.getByRole('button', { name: 'orange.png: An orange square' }).click();
    await mediaPicker.getByRole('button', { name: /Attach 1 file/ }).click();
    await mediaPicker.waitFor({ state: 'hidden' });
    await page.getByText('@acme has its own media.').waitFor();
    await xPreview.getByRole('img', { name: 'An orange square' }).waitFor();
    await xPreview.locator('.link-card').waitFor({ state: 'detached' });
    expect(await mastodonPreview.getByRole('img', { name: 'An orange square' }).count()).toBe(0);
    await mastodonPreview.locator('.link-card').waitFor();
    await shot(page, 'variant-media');

    // The draft saved itself with @acme's media only.
    await expect
      .poll(async () => {
        const path = new URL(page.url()).pathname;
        if (!path.includes('/publish/posts/')) return null;
        const post = (await (await page.request.get(`${api}/posts/${path.split('/').at(-1)}`)).json()) as { variants: VariantView[] };
        return Object.fromEntries(post.variants.map((v) => [v.profileId, v.mediaIds]));
      }, { timeout: 10_000 })
      .toEqual({ [x.id]: [mediaId], [mastodon.id]: [] });

    // Back to the shared media.
    await page.getByRole('button', { name: 'Use the shared media' }).click();
    await page.getByText('No media for @acme.').waitFor();
    await xPreview.locator('.link-card').waitFor();
    await context.close();
  });
});
