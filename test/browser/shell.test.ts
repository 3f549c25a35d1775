import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Instance } from '../../src/instance.ts';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';

/** Set CHORUS_SCREENSHOTS=1 to save screenshots of each step to /tmp/chorus-*.png. */
const SCREENSHOTS = process.env.CHORUS_SCREENSHOTS === '1';

const OWNER = { name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery' };
const MEMBER = { name: 'Sam Analyst', email: 'sam@example.com', password: 'sam has a long password' };

describe('web app shell', () => {
  let setup: BrowserSetup;
  let instance: Instance;
  let browser: Browser;
  let url: string;

  const shot = async (page: Page, name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `/tmp/chorus-${name}.png`, fullPage: true });
  };

  beforeAll(async () => {
    setup = await startChorusWithBrowser();
    ({ instance, browser, url } = setup);
  });

  afterAll(async () => {
    await setup?.close();
  });

  it('sets up the owner, signs in, invites a member who joins, and records it in the audit log', async () => {
    const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await ownerContext.newPage();
    // The content security policy must not block anything the app itself needs.
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) blocked.push(message.text());
    });

    // First run: the app sends a visitor to owner setup.
    await page.goto(url);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Organisation name').fill('Acme');
    await page.getByLabel('First workspace').fill('Acme Global');
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('too short');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    // The server's field error lands on the password field.
    await page.getByText('Use at least 10 characters.', { exact: true }).waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'setup-error');
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();

    // Lands in the app shell.
    await page.getByRole('heading', { name: 'Publish', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Publish' }).getAttribute('aria-current')).toBe('page');
    for (const name of ['Inbox', 'Listen', 'Reports', 'Settings']) expect(await page.getByRole('link', { name }).count()).toBe(1);
    await shot(page, 'publish-desktop');

    // Sign out, then a wrong password shows the server's message.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That email and password do not match an account.' }).waitFor();
    await shot(page, 'login-error');

    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Publish', level: 1 }).waitFor();

    // Add a member by email: someone new gets an invitation link, shown once.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Members & roles' }).click();
    await page.getByLabel('Email').fill(MEMBER.email);
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByRole('button', { name: 'Add member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invitation link' });
    await dialog.waitFor();
    const invitationUrl = await dialog.getByLabel('Invitation link').inputValue();
    expect(invitationUrl).toMatch(/\/invite\/[\w-]{10,}$/);
    expect(new URL(invitationUrl).origin).toBe(new URL(url).origin);
    await shot(page, 'invitation');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: /sam@example\.com/ }).getByText('Invitation pending').waitFor();
    await shot(page, 'members-desktop');

    // The link got lost: a new one replaces it, and only the new one works.
    await page.getByRole('button', { name: `New invitation link for ${MEMBER.email.split('@')[0]}` }).click();
    const renewedDialog = page.getByRole('dialog', { name: 'New invitation link' });
    await renewedDialog.waitFor();
    const lostUrl = invitationUrl;
    const invitationUrlNow = await renewedDialog.getByLabel('Invitation link').inputValue();
    expect(invitationUrlNow).not.toBe(lostUrl);
    await renewedDialog.getByRole('button', { name: 'Done' }).click();
    const lost = await fetch(`${url}/api/v1/auth/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: lostUrl.split('/invite/')[1], password: 'not going to work' }),
    });
    expect(lost.status).toBe(410);

    // The invited person opens the link in their own browser, sets a password and is in.
    const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const memberPage = await memberContext.newPage();
    await memberPage.goto(invitationUrlNow);
    await memberPage.getByRole('heading', { name: 'Join your team on Chorus' }).waitFor();
    await memberPage.getByLabel('Your name').fill(MEMBER.name);
    await memberPage.getByLabel('Password', { exact: true }).fill(MEMBER.password);
    await memberPage.getByLabel('Confirm password').fill(MEMBER.password);
    await shot(memberPage, 'invite-phone');
    await memberPage.getByRole('button', { name: 'Set password and join' }).click();
    await memberPage.getByRole('heading', { name: 'Publish', level: 1 }).waitFor();
    await shot(memberPage, 'publish-phone');

    // On a phone the navigation is a drawer; the member sees their role and no admin controls.
    await memberPage.getByRole('button', { name: 'Open navigation' }).click();
    expect(await memberPage.getByTestId('current-role').textContent()).toBe('Analyst');
    if (SCREENSHOTS) await memberPage.waitForTimeout(300); // the drawer slides in
    await shot(memberPage, 'drawer-phone');
    // Escape closes the drawer and gives focus back to the menu button.
    const menu = memberPage.getByRole('button', { name: 'Open navigation' });
    await memberPage.keyboard.press('Escape');
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    await menu.click();
    await memberPage.getByRole('link', { name: 'Settings' }).click();
    await memberPage.getByRole('link', { name: 'Members & roles' }).click();
    await memberPage.getByRole('cell', { name: /sam@example\.com/ }).waitFor();
    expect(await memberPage.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await memberPage.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await shot(memberPage, 'members-phone');
    await memberContext.close();

    // Back as the owner: the audit log shows the addition.
    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByRole('row').filter({ hasText: 'member.added' });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain(OWNER.email);
    await page.getByLabel('Action').fill('member.added');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('row').filter({ hasText: 'workspace.created' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('row').filter({ hasText: 'member.added' }).count()).toBe(1);
    await shot(page, 'audit-desktop');
    expect(blocked).toEqual([]);
    await ownerContext.close();
  });

  it('manages teams, API tokens and workspaces from settings', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Publish', level: 1 }).waitFor();

    // A team with a member; the member list shows the team.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('button', { name: 'New team' }).click();
    // The dialog starts on its first field.
    await expect.poll(() => page.getByLabel('Team name').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByLabel('Team name').fill('Support');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Support', level: 3 }).waitFor();
    await page.getByLabel('Add a member to Support').selectOption({ label: `${MEMBER.name} (${MEMBER.email})` });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('list', { name: 'Members of Support' }).getByText(MEMBER.email).waitFor();
    // A second team with the same name is refused on the name field.
    await page.getByRole('button', { name: 'New team' }).click();
    await page.getByLabel('Team name').fill('support');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByText('A team with this name exists already.').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('link', { name: 'Members & roles' }).click();
    await page.getByRole('row', { name: new RegExp(MEMBER.email) }).getByText('Support').waitFor();

    // An API token: the secret is shown once, then only its prefix; it can be revoked.
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByLabel('Token name').fill('Reporting script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByRole('dialog', { name: 'Your new API token' }).getByLabel('API token').inputValue();
    const response = await fetch(`${url}/api/v1/auth/session`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(secret).count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke Reporting script' }).click();
    await page.getByRole('dialog', { name: 'Revoke API token' }).getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('Revoked', { exact: true }).waitFor();
    expect((await fetch(`${url}/api/v1/auth/session`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);

    // An organisation owner creates a workspace and the switcher lists it.
    await page.getByRole('button', { name: /Switch workspace/ }).click();
    await page.getByRole('button', { name: 'New workspace' }).click();
    await page.getByRole('dialog', { name: 'New workspace' }).getByLabel('Name', { exact: true }).fill('Acme Europe');
    await page.getByLabel('Time zone').last().selectOption('Europe/Paris');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('button', { name: /Workspace: Acme Europe/ }).waitFor();
    expect(await page.getByLabel('Workspace name').inputValue()).toBe('Acme Europe');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
    await context.close();
  });
});
