import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type TestApp } from '../../test/helpers/app.ts';
import { startSmtpSink } from '../../test/helpers/smtp.ts';
import { fakeX } from '../../test/helpers/fake-x.ts';
import { connectorsFrom } from '../core/chorus.ts';
import { Rejected } from '../connectors/errors.ts';
import { createMailer } from '../integrations/email.ts';
import { saveConnection } from '../profiles/service.ts';
import { postVariants } from '../publishing/schema.ts';
import { workspaces } from '../workspaces/schema.ts';

const rejectingNetwork = fakeX(async () => {
  throw new Rejected('x', 'This account is temporarily restricted.');
});

describe.each(BACKENDS)('notifications (%s)', (backend) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp(backend, { work: true, connectors: connectorsFrom([rejectingNetwork]), mailer: createMailer(smtp.url, 'Chorus <chorus@acme.example>') });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('tells the author in the app and by email when a post fails, and keeps a team note trail', async () => {
    const { owner, workspaceId } = await setupOwner(t.app);
    const [workspace] = await t.database.db.select().from(workspaces);
    const profile = await saveConnection(t.database.db, { userId: null, orgId: workspace!.orgId, label: 't' }, t.chorus.config.secretKey, workspaceId, {
      credentials: { network: 'x', accountId: '1', accessToken: 'token' },
      profile: { id: '1', handle: 'acme' },
    });
    const author = await memberWithRole(t.app, owner, workspaceId, 'publisher', 'pat@acme.example');
    const created = await author.api.request('POST', `/api/v1/workspaces/${workspaceId}/posts`, { text: 'Launch day', variants: [{ profileId: profile.id }] });
    const postId = created.json().post.id;
    const note = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/posts/${postId}/notes`, { body: 'Legal approved the wording.' });
    expect(note.statusCode).toBe(201);
    expect((await author.api.request('GET', `/api/v1/workspaces/${workspaceId}/posts/${postId}/notes`)).json().notes).toEqual([
      expect.objectContaining({ body: 'Legal approved the wording.', authorName: 'Olive Owner' }),
    ]);
    // Scheduled through the API and published by the engine's own worker; the network refuses it.
    const scheduled = await author.api.request('POST', `/api/v1/workspaces/${workspaceId}/posts/${postId}/schedule`, {});
    expect(scheduled.statusCode).toBe(200);
    const deadline = Date.now() + 20_000;
    let inbox = (await author.api.request('GET', '/api/v1/me/notifications')).json();
    while (inbox.unread === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      inbox = (await author.api.request('GET', '/api/v1/me/notifications')).json();
    }
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({ kind: 'post.publish_failed', title: 'Your post to acme was not published', link: `/w/${workspaceId}/publish/posts/${postId}` });
    expect(inbox.items[0].body).toContain('This account is temporarily restricted.');
    const [variant] = await t.database.db.select().from(postVariants).where(eq(postVariants.postId, postId));
    expect(variant!.status).toBe('failed');
    // The owner did not write the post: nothing for them.
    expect((await owner.request('GET', '/api/v1/me/notifications')).json().unread).toBe(0);
    while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['pat@acme.example']);
    expect(smtp.received[0]!.data).toContain('Subject: Your post to acme was not published');
    // The body is quoted-printable: long lines are wrapped with a trailing '='.
    expect(smtp.received[0]!.data.replace(/=\r\n/g, '')).toContain(`/w/${workspaceId}/publish/posts/${postId}`);
    expect((await author.api.request('POST', '/api/v1/me/notifications/read', { ids: 'all' })).statusCode).toBe(204);
    expect((await author.api.request('GET', '/api/v1/me/notifications')).json().unread).toBe(0);
  });
});
