/**
 * LinkedIn connector against recorded exchanges (fixtures/linkedin: REST API, LinkedIn-Version
 * 202605, Rest.li 2.0.0). Each test asserts what Chorus sends as well as how it reads the answer.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials, OAuth2Flow } from '../../../src/connectors/connector.ts';
import { AuthExpired, InvalidResponse, NotSupported, OutcomeUnknown, PermissionDenied, RateLimited, Rejected, Transient } from '../../../src/connectors/errors.ts';
import { createLinkedInConnector } from '../../../src/connectors/linkedin/connector.ts';
import { FakeFetch, fixture, networkError } from '../fake-fetch.ts';

const fx = (name: string) => fixture('linkedin', name);
const REST = 'https://api.linkedin.com/rest';
const SHARE = 'urn:li:share:7265112233445566778';
const member: Credentials = { network: 'linkedin', accountId: 'urn:li:person:782bbtaQ', accessToken: 'li-tok', extra: { memberUrn: 'urn:li:person:782bbtaQ' } };
const org: Credentials = { ...member, accountId: 'urn:li:organization:2414183' };
const app = { clientId: '86abc', clientSecret: 'li-secret', redirectUri: 'https://chorus.example/oauth/linkedin/callback' };
const setup = (opts: Parameters<typeof createLinkedInConnector>[1] = {}) => {
  const fake = new FakeFetch();
  const options = fake.options();
  return { fake, slept: options.slept, linkedin: createLinkedInConnector({ http: options }, opts) };
};
const restHeaders = { authorization: 'Bearer li-tok', 'linkedin-version': '202605', 'x-restli-protocol-version': '2.0.0' };

describe('LinkedIn: connecting', () => {
  it('builds the authorization URL without PKCE, exchanges the code with the client secret and reads the member', async () => {
    const { fake, linkedin } = setup();
    const flow = linkedin.auth as OAuth2Flow;
    const req = flow.authorizationUrl(app, { state: 'st4te' });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/oauth/v2/authorization');
    // LinkedIn web apps authenticate with the client secret; PKCE is for native apps only.
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', client_id: '86abc', redirect_uri: app.redirectUri, scope: 'openid profile w_member_social', state: 'st4te' });

    fake.on('POST https://www.linkedin.com/oauth/v2/accessToken', fx('token')).on('GET https://api.linkedin.com/v2/userinfo', fx('userinfo'));
    const result = await flow.completeAuthorization(app, { code: 'AQTc0de', codeVerifier: req.codeVerifier });
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ grant_type: 'authorization_code', code: 'AQTc0de', redirect_uri: app.redirectUri, client_id: '86abc', client_secret: 'li-secret' });
    expect(fake.sent[1]!.headers.authorization).toBe(`Bearer ${fx('token').body.access_token}`);
    expect(result.credentials).toMatchObject({
      network: 'linkedin', accountId: 'urn:li:person:782bbtaQ', refreshToken: fx('token').body.refresh_token, scopes: ['openid', 'profile', 'w_member_social'],
      expiresAt: '2027-01-22T12:00:00.000Z', refreshExpiresAt: '2027-11-23T12:00:00.000Z', extra: { memberUrn: 'urn:li:person:782bbtaQ' },
    });
    expect(result.profile).toEqual({ id: 'urn:li:person:782bbtaQ', handle: 'Ada Lovelace', displayName: 'Ada Lovelace', avatarUrl: fx('userinfo').body.picture });
  });

  it('asks for Page scopes only when told to, and refuses a token that cannot post', async () => {
    const { linkedin } = setup({ organizations: true });
    expect(new URL((linkedin.auth as OAuth2Flow).authorizationUrl(app).url).searchParams.get('scope')).toBe('openid profile w_member_social r_organization_social w_organization_social rw_organization_admin');
    const { fake, linkedin: l2 } = setup();
    fake.reply({ body: { ...fx('token').body, scope: 'openid,profile' } });
    await expect((l2.auth as OAuth2Flow).completeAuthorization(app, { code: 'c', codeVerifier: 'v' })).rejects.toBeInstanceOf(PermissionDenied);
  });

  it('refreshes, keeping the stored refresh token when none comes back; a dead one means reconnect', async () => {
    const { fake, linkedin } = setup();
    const stored = { ...member, refreshToken: 'old-refresh', refreshExpiresAt: '2027-06-01T00:00:00.000Z', expiresAt: '2026-11-23T12:02:00.000Z' };
    expect(linkedin.needsRefresh(stored)).toBe(true);
    expect(linkedin.needsRefresh({ ...stored, refreshToken: undefined })).toBe(false);
    fake.reply(fx('token_refreshed_no_rotation'));
    const next = await linkedin.refresh(stored, app);
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ grant_type: 'refresh_token', refresh_token: 'old-refresh', client_id: '86abc', client_secret: 'li-secret' });
    expect(next).toMatchObject({ accessToken: fx('token_refreshed_no_rotation').body.access_token, refreshToken: 'old-refresh', refreshExpiresAt: '2027-06-01T00:00:00.000Z', accountId: member.accountId });

    fake.reply(fx('token_invalid_refresh'));
    await expect(linkedin.refresh(stored, app)).rejects.toBeInstanceOf(AuthExpired);
    // No refresh token: still valid tokens stay, expired ones need the user.
    await expect(linkedin.refresh({ ...member, expiresAt: '2026-12-01T00:00:00.000Z' })).resolves.toMatchObject({ accessToken: 'li-tok' });
    await expect(linkedin.refresh({ ...member, expiresAt: '2026-11-01T00:00:00.000Z' })).rejects.toBeInstanceOf(AuthExpired);
  });

  it('lists the Pages a member administers and acts as one', async () => {
    const { fake, linkedin } = setup();
    fake.on(`GET ${REST}/organizationAcls`, fx('organization_acls')).on(`GET ${REST}/organizations/2414183`, fx('organization'));
    const pages = await linkedin.listOrganizations(member);
    expect(fake.sent[0]!.url.search).toBe('?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED');
    expect(fake.sent[0]!.headers).toMatchObject(restHeaders);
    expect(pages).toEqual([{ id: 'urn:li:organization:2414183', handle: 'chorus-labs', displayName: 'Chorus Labs', url: 'https://www.linkedin.com/company/chorus-labs/' }]);
    expect(linkedin.asOrganization(member, pages[0]!.id)).toMatchObject({ accountId: 'urn:li:organization:2414183', accessToken: 'li-tok', extra: { memberUrn: 'urn:li:person:782bbtaQ' } });
  });
});

describe('LinkedIn: publishing', () => {
  it('posts commentary in little text format and reads the id from x-restli-id', async () => {
    const { fake, linkedin } = setup();
    fake.on(`POST ${REST}/posts`, fx('post_created'));
    const res = await linkedin.publish(member, { text: 'Launch day (finally)! Thanks @ada, see https://chorus.example/a_b #opensource', idempotencyKey: 'k1' });
    expect(res.posts).toEqual([{ id: SHARE, url: `https://www.linkedin.com/feed/update/${SHARE}/` }]);
    const sent = fake.sent[0]!;
    expect(sent.headers).toMatchObject({ ...restHeaders, 'content-type': 'application/json' });
    expect(sent.json()).toEqual({
      author: 'urn:li:person:782bbtaQ',
      commentary: 'Launch day \\(finally\\)! Thanks \\@ada, see https://chorus.example/a_b #opensource',
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
  });

  it('uploads images (initializeUpload, then PUT) and attaches them with alt text', async () => {
    const { fake, linkedin } = setup();
    const init = fx('image_initialize');
    fake.on(`POST ${REST}/images?action=initializeUpload`, init).on('PUT https://www.linkedin.com/dms-uploads/', { status: 201 }).on(`POST ${REST}/posts`, fx('post_created'));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    await linkedin.publish(org, { text: 'Calendar', media: [{ kind: 'image', mimeType: 'image/png', data: png, altText: 'The Chorus calendar' }], idempotencyKey: 'k2' });
    expect(fake.sent[0]!.json()).toEqual({ initializeUploadRequest: { owner: 'urn:li:organization:2414183' } });
    expect(fake.sent[0]!.headers).toMatchObject(restHeaders);
    expect(fake.sent[1]!.url.toString()).toBe(init.body.value.uploadUrl);
    expect(fake.sent[1]!.headers).toMatchObject({ authorization: 'Bearer li-tok', 'content-type': 'application/octet-stream' });
    expect(fake.sent[1]!.body).toBe('<4 bytes>');
    expect(fake.sent[2]!.json()).toMatchObject({ author: 'urn:li:organization:2414183', content: { media: { id: 'urn:li:image:D4E10AQFyEi7tW8cM4w', altText: 'The Chorus calendar' } } });
  });

  it('uploads a video in the parts LinkedIn asks for, finalizes it with their ETags and waits until it is available', async () => {
    const { fake, slept, linkedin } = setup();
    const init = fx('video_initialize');
    fake.on(`POST ${REST}/videos?action=initializeUpload`, init)
      .on('PUT https://www.linkedin.com/dms-uploads/', { ...fx('video_part_uploaded'), headers: { etag: 'etag-1' } })
      .on('PUT https://www.linkedin.com/dms-uploads/', { ...fx('video_part_uploaded'), headers: { etag: 'etag-2' } })
      .on(`POST ${REST}/videos?action=finalizeUpload`, { status: 200 })
      .on(`GET ${REST}/videos/`, fx('video_processing'))
      .on(`GET ${REST}/videos/`, fx('video_available'))
      .on(`POST ${REST}/posts`, fx('post_created'));
    const bytes = new Uint8Array(5 * 1024 * 1024);
    await linkedin.publish(org, { text: 'Watch', media: [{ kind: 'video', mimeType: 'video/mp4', data: bytes, altText: 'ignored' }], idempotencyKey: 'v1' });
    expect(fake.sent[0]!.json()).toEqual({ initializeUploadRequest: { owner: org.accountId, fileSizeBytes: 5242880, uploadCaptions: false, uploadThumbnail: false } });
    expect([fake.sent[1]!.url.toString(), fake.sent[1]!.body]).toEqual([init.body.value.uploadInstructions[0].uploadUrl, '<4194304 bytes>']);
    expect([fake.sent[2]!.url.toString(), fake.sent[2]!.body]).toEqual([init.body.value.uploadInstructions[1].uploadUrl, '<1048576 bytes>']);
    expect(fake.sent[3]!.json()).toEqual({ finalizeUploadRequest: { video: 'urn:li:video:C5F10AQGKQg_6y2a4sQ', uploadToken: '', uploadedPartIds: ['etag-1', 'etag-2'] } });
    expect(fake.sent[4]!.url.pathname).toBe('/rest/videos/urn%3Ali%3Avideo%3AC5F10AQGKQg_6y2a4sQ');
    expect(slept).toEqual([5000]);
    expect(fake.sent[6]!.json().content).toEqual({ media: { id: 'urn:li:video:C5F10AQGKQg_6y2a4sQ' } });
    expect(linkedin.info.capabilities).toContain('publish.video');
  });

  it('attaches several images as multiImage, in order; a link then goes into the text', async () => {
    const { fake, linkedin } = setup();
    const init = fx('image_initialize');
    const second = { body: { value: { ...init.body.value, image: 'urn:li:image:D4E10AQSecond' } } };
    fake.reply(init).reply({ status: 201 }).reply(second).reply({ status: 201 }).reply(fx('post_created'));
    const img = (alt?: string) => ({ kind: 'image' as const, mimeType: 'image/jpeg', data: new Uint8Array(8), ...(alt ? { altText: alt } : {}) });
    await linkedin.publish(member, { text: 'Two views', media: [img('Front'), img()], link: { url: 'https://chorus.example/tour' }, idempotencyKey: 'k5' });
    const body = fake.sent[4]!.json();
    expect(body.content).toEqual({ multiImage: { images: [{ id: 'urn:li:image:D4E10AQFyEi7tW8cM4w', altText: 'Front' }, { id: 'urn:li:image:D4E10AQSecond' }] } });
    expect(body.commentary).toBe('Two views\n\nhttps://chorus.example/tour');
  });

  it('posts a link as an article; threads are not a LinkedIn thing', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('post_created'));
    await linkedin.publish(member, { text: 'Read this', link: { url: 'https://chorus.example/blog', title: 'Chorus 1.0', description: 'Out now' }, idempotencyKey: 'k3' });
    expect(fake.sent[0]!.json().content).toEqual({ article: { source: 'https://chorus.example/blog', title: 'Chorus 1.0', description: 'Out now' } });
    await expect(linkedin.publish(member, { text: 'a', thread: [{ text: 'b' }], idempotencyKey: 'k4' })).rejects.toBeInstanceOf(NotSupported);
    expect(fake.sent).toHaveLength(1);
  });

  it('never retries a post: a 5xx or a timeout is OutcomeUnknown, a 201 without id too', async () => {
    for (const answer of [fx('error_500'), networkError('UND_ERR_SOCKET'), { status: 201 }]) {
      const { fake, linkedin } = setup();
      fake.reply(answer as never);
      await expect(linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' })).rejects.toBeInstanceOf(OutcomeUnknown);
      expect(fake.sent).toHaveLength(1);
    }
    // Refused before sending anything: safe to try again.
    const { fake, linkedin } = setup();
    fake.reply(networkError('ECONNREFUSED'));
    await expect(linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' })).rejects.toBeInstanceOf(Transient);
  });

  it('reads refusals: 401 auth, 403 permission, 422 duplicate, 426 sunset version, 429 daily throttle', async () => {
    const cases: [string, unknown][] = [['error_401', AuthExpired], ['error_403', PermissionDenied], ['error_422_duplicate', Rejected], ['error_426', Rejected], ['error_429', RateLimited]];
    for (const [name, type] of cases) {
      const { fake, linkedin } = setup();
      fake.reply(fx(name));
      const err = await linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e);
      expect(err, name).toBeInstanceOf(type);
      expect(err.status).toBe(fx(name).status);
    }
    const { fake, linkedin } = setup();
    fake.reply(fx('error_422_duplicate'));
    expect((await linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e)).reason).toBe('Content is a duplicate of urn:li:share:7265112233445566778');
    fake.reply(fx('error_401'));
    expect((await linkedin.getProfile(org).catch((e) => e)).networkCode).toBe('REVOKED_ACCESS_TOKEN');
    // A daily limit without Retry-After waits until LinkedIn's counters reset at midnight UTC (clock: 12:00).
    fake.reply(fx('error_429'));
    expect((await linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e)).retryAfterSeconds).toBe(12 * 3600);
    fake.reply({ ...fx('error_429'), headers: { 'retry-after': '30' } });
    expect((await linkedin.publish(member, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e)).retryAfterSeconds).toBe(30);
  });
});

describe('LinkedIn: posts, comments and replies', () => {
  it('reads a post back as plain text; a missing post is null; deleting twice is fine', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('post'));
    const post = await linkedin.getPost(member, SHARE);
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url}`).toBe(`GET ${REST}/posts/urn%3Ali%3Ashare%3A7265112233445566778`);
    expect(post).toEqual({
      id: SHARE, url: `https://www.linkedin.com/feed/update/${SHARE}/`, text: 'Launch day (finally)! Thanks to #opensource and @Chorus Labs https://chorus.example/launch',
      createdAt: '2026-11-23T11:00:00.000Z', author: { id: 'urn:li:person:782bbtaQ', handle: 'urn:li:person:782bbtaQ' }, mediaCount: 1,
    });
    fake.reply(fx('error_404'));
    expect(await linkedin.getPost(member, 'urn:li:share:7265112233445566000')).toBeNull();

    fake.reply({ status: 204 }).reply(fx('error_404'));
    await linkedin.delete(member, SHARE);
    await linkedin.delete(member, SHARE);
    expect(`${fake.sent[2]!.method} ${fake.sent[2]!.url}`).toBe(`DELETE ${REST}/posts/urn%3Ali%3Ashare%3A7265112233445566778`);
    expect(fake.sent[2]!.headers).toMatchObject({ ...restHeaders, 'x-restli-method': 'DELETE' });
  });

  it('replies with a comment (and to a comment with parentComment), then deletes that comment', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('comment_created'));
    const reply = await linkedin.reply(member, { inReplyTo: SHARE, text: 'Thanks (really)!', idempotencyKey: 'r1' });
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url}`).toBe(`POST ${REST}/socialActions/urn%3Ali%3Ashare%3A7265112233445566778/comments`);
    expect(fake.sent[0]!.json()).toEqual({ actor: 'urn:li:person:782bbtaQ', object: SHARE, message: { text: 'Thanks (really)!' } });
    expect(reply.id).toBe(`urn:li:comment:(${SHARE},7265300000000000009)`);

    const parent = `urn:li:comment:(${SHARE},7265200000000000002)`;
    fake.reply(fx('comment_created'));
    await linkedin.reply(member, { inReplyTo: parent, text: 'Agreed', idempotencyKey: 'r2' });
    expect(fake.sent[1]!.url.pathname).toBe(`/rest/socialActions/${encodeURIComponent(parent)}/comments`);
    expect(fake.sent[1]!.json()).toEqual({ actor: 'urn:li:person:782bbtaQ', object: SHARE, parentComment: parent, message: { text: 'Agreed' } });

    fake.reply({ status: 204 });
    await linkedin.delete(member, reply.id);
    expect(fake.sent[2]!.url.toString()).toBe(`${REST}/socialActions/urn%3Ali%3Ashare%3A7265112233445566778/comments/7265300000000000009?actor=urn%3Ali%3Aperson%3A782bbtaQ`);
  });

  it('collects new comments on recent posts, oldest first, skipping its own, with a time cursor', async () => {
    const { fake, linkedin } = setup();
    fake.on(`GET ${REST}/posts?`, fx('posts_by_author'))
      .on(`GET ${REST}/socialActions/urn%3Ali%3Ashare`, fx('comments_share'))
      .on(`GET ${REST}/socialActions/urn%3Ali%3AugcPost`, fx('comments_ugcpost'));
    const page = await linkedin.fetchConversations(member, { since: '1795431600000' });
    expect(fake.sent[0]!.url.search).toBe('?author=urn%3Ali%3Aperson%3A782bbtaQ&q=author&count=10&sortBy=LAST_MODIFIED');
    expect(fake.sent[0]!.headers).toMatchObject({ ...restHeaders, 'x-restli-method': 'FINDER' });
    expect(page.items.map((i) => [i.id, i.author.id, i.text])).toEqual([
      [`urn:li:comment:(${SHARE},7265200000000000001)`, 'urn:li:person:Q1zAlan', 'First!'],
      [`urn:li:comment:(${SHARE},7265200000000000002)`, 'urn:li:person:9Xy1Grace', 'Congratulations on the launch!'],
    ]);
    expect(page.items[0]).toMatchObject({ kind: 'comment', inReplyTo: SHARE, threadId: `urn:li:comment:(${SHARE},7265200000000000001)`, createdAt: '2026-11-23T11:01:40.000Z' });
    expect(page.cursor).toBe('1795435200000');
  });

  it('finds its own recent posts for reconciling an unknown publish outcome', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('posts_by_author'));
    const posts = await linkedin.findRecentPosts!(member, { since: '2026-11-23T10:00:00.000Z', limit: 5 });
    expect(fake.sent[0]!.url.search).toBe('?author=urn%3Ali%3Aperson%3A782bbtaQ&q=author&count=5&sortBy=LAST_MODIFIED');
    expect(posts.map((p) => [p.id, p.text, p.createdAt])).toEqual([[SHARE, 'Launch day', '2026-11-23T11:00:00.000Z']]);
  });

  it('says what a member connection cannot read without partner-only scopes, without calling', async () => {
    const { fake, linkedin } = setup();
    const plain = { ...member, scopes: ['openid', 'profile', 'w_member_social'] };
    for (const call of [() => linkedin.fetchConversations(plain), () => linkedin.getPost(plain, SHARE), () => linkedin.fetchPostMetrics(plain, [SHARE]), () => linkedin.fetchProfileMetrics(plain)]) {
      const err = await call().catch((e) => e);
      expect(err).toBeInstanceOf(NotSupported);
      expect(err.message).toMatch(/r_member_(social|postAnalytics|profileAnalytics)/);
    }
    expect(fake.sent).toHaveLength(0);
  });

  it('has no search', async () => {
    const { fake, linkedin } = setup();
    await expect(linkedin.search(member, { q: 'chorus' })).rejects.toBeInstanceOf(NotSupported);
    expect(fake.sent).toHaveLength(0);
  });
});

describe('LinkedIn: metrics', () => {
  it('reads Page post metrics from organizationalEntityShareStatistics in one call', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('share_statistics'));
    const metrics = await linkedin.fetchPostMetrics(org, [SHARE, 'urn:li:ugcPost:7264000000000000001']);
    expect(fake.sent[0]!.url.toString()).toBe(
      `${REST}/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414183&shares=List(urn%3Ali%3Ashare%3A7265112233445566778)&ugcPosts=List(urn%3Ali%3AugcPost%3A7264000000000000001)`,
    );
    expect(metrics).toEqual([
      { postId: SHARE, likes: 41, replies: 6, reposts: 4, impressions: 1290, clicks: 37 },
      { postId: 'urn:li:ugcPost:7264000000000000001', likes: 2, replies: 0, reposts: 0, impressions: 150, clicks: 1 },
    ]);
  });

  it('reads member post metrics from memberCreatorPostAnalytics, one metric per call', async () => {
    const { fake, linkedin } = setup();
    const counts = { IMPRESSION: 1534, REACTION: 87, COMMENT: 12, RESHARE: 3 };
    for (const n of Object.values(counts)) fake.reply({ body: { ...fx('member_post_analytics').body, elements: [{ ...fx('member_post_analytics').body.elements[0], count: n }] } });
    const [m] = await linkedin.fetchPostMetrics(member, [SHARE]);
    expect(fake.sent.map((r) => r.url.search)).toEqual(
      Object.keys(counts).map((t) => `?q=entity&entity=(share:urn%3Ali%3Ashare%3A7265112233445566778)&queryType=${t}&aggregation=TOTAL`),
    );
    expect(m).toEqual({ postId: SHARE, impressions: 1534, likes: 87, replies: 12, reposts: 3 });
  });

  it('reads followers of a Page and of a member; retries a 5xx read, gives up on HTML', async () => {
    const { fake, slept, linkedin } = setup();
    fake.reply(fx('error_500')).reply(fx('network_size'));
    expect(await linkedin.fetchProfileMetrics(org)).toEqual({ followers: 18342 });
    expect(fake.sent[1]!.url.toString()).toBe(`${REST}/networkSizes/urn%3Ali%3Aorganization%3A2414183?edgeType=COMPANY_FOLLOWED_BY_MEMBER`);
    expect(slept).toHaveLength(1);
    fake.reply(fx('member_followers_count'));
    expect(await linkedin.fetchProfileMetrics(member)).toEqual({ followers: 5120 });
    expect(fake.sent[2]!.url.search).toBe('?q=me');

    for (let i = 0; i < 4; i++) fake.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>LinkedIn is down</body></html>' });
    await expect(linkedin.fetchProfileMetrics(member)).rejects.toBeInstanceOf(InvalidResponse);
    fake.reply({ status: 200, body: '{"elements": [' });
    fake.reply({ status: 200, body: '{"elements": [' }).reply({ status: 200, body: '{"elements": [' }).reply({ status: 200, body: '{"elements": [' });
    await expect(linkedin.fetchProfileMetrics(member)).rejects.toBeInstanceOf(InvalidResponse);
  });
});
