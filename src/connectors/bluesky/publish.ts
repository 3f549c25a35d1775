/**
 * Publishing on Bluesky, exactly once: every post's rkey is derived from the idempotency key
 * (./tid.ts). Before writing we look the record up; after an unclear failure we look again. The
 * PDS refuses a second record at the same rkey, so no sequence of retries can create two posts.
 */
import type { Credentials, LinkCardInput, MediaInput, PostContent, PublishedPost, PublishInput, PublishResult } from '../connector.ts';
import { OutcomeUnknown, Rejected, Transient, ConnectorError } from '../errors.ts';
import { analyseBlueskyText, BLUESKY_MAX_GRAPHEMES, withMentions } from '../text/bluesky.ts';
import { PostRecordValue, RecordAnswer, ResolvedHandle, StrongRef, UploadedBlob } from './schemas.ts';
import { tidFromKey } from './tid.ts';
import { NETWORK, parseAtUri, postUrl, type Xrpc } from './xrpc.ts';
import type { z } from 'zod';

const POST = 'app.bsky.feed.post';
type Ref = z.infer<typeof StrongRef>;
type Blob = z.infer<typeof UploadedBlob>['blob'];

export class BlueskyPublisher {
  constructor(private readonly xrpc: Xrpc, private readonly now: () => Date) {}

  /** The record, or null when there is none at that address. */
  async getRecord(creds: Credentials, repo: string, collection: string, rkey: string): Promise<z.infer<typeof RecordAnswer> | null> {
    try {
      return await this.xrpc.query(service(creds), 'com.atproto.repo.getRecord', { query: { repo, collection, rkey }, token: creds.accessToken, schema: RecordAnswer });
    } catch (e) {
      if (e instanceof Rejected && (e.networkCode === 'RecordNotFound' || /not found/i.test(e.reason))) return null;
      throw e;
    }
  }

  async publish(creds: Credentials, input: PublishInput): Promise<PublishResult> {
    const parts: PostContent[] = [input, ...(input.thread ?? [])];
    let replyRef = input.replyTo ? await this.replyRefFor(creds, input.replyTo) : undefined;
    const posts: PublishedPost[] = [];
    let existedAll = true;
    for (const [i, part] of parts.entries()) {
      const rkey = tidFromKey(i === 0 ? input.idempotencyKey : `${input.idempotencyKey}#${i}`);
      let result: { ref: Ref; existed: boolean };
      try {
        result = await this.ensurePost(creds, rkey, part, replyRef, input.languages);
      } catch (e) {
        // A retry resumes by itself (derived keys); still, tell the caller what already exists.
        if (e instanceof ConnectorError && posts.length) e.published = posts;
        throw e;
      }
      const { ref, existed } = result;
      existedAll &&= existed;
      posts.push({ id: ref.uri, cid: ref.cid, url: postUrl(ref.uri, creds.extra?.handle) });
      replyRef = { root: replyRef?.root ?? ref, parent: ref };
    }
    return { posts, ...(existedAll ? { alreadyExisted: true } : {}) };
  }

  /** root/parent strong refs for answering `parentUri`. */
  async replyRefFor(creds: Credentials, parentUri: string): Promise<{ root: Ref; parent: Ref }> {
    const { repo, collection, rkey } = parseAtUri(parentUri);
    const parent = await this.getRecord(creds, repo, collection, rkey);
    if (!parent?.cid) throw new Rejected(NETWORK, `The post being replied to no longer exists: ${parentUri}`);
    const value = PostRecordValue.safeParse(parent.value);
    const parentRef = { uri: parent.uri, cid: parent.cid };
    return { root: value.success && value.data.reply ? value.data.reply.root : parentRef, parent: parentRef };
  }

  private async ensurePost(
    creds: Credentials,
    rkey: string,
    part: PostContent,
    reply: { root: Ref; parent: Ref } | undefined,
    languages: string[] | undefined,
  ): Promise<{ ref: Ref; existed: boolean }> {
    const repo = creds.accountId;
    const found = await this.getRecord(creds, repo, POST, rkey);
    if (found?.cid) return { ref: { uri: found.uri, cid: found.cid }, existed: true };

    const record = await this.buildRecord(creds, part, reply, languages);
    try {
      const ref = await this.xrpc.procedure(service(creds), 'com.atproto.repo.createRecord', {
        input: { repo, collection: POST, rkey, record, validate: true },
        token: creds.accessToken,
        schema: StrongRef,
      });
      return { ref, existed: false };
    } catch (error) {
      // The PDS answers a duplicate rkey with a 500, and a lost answer looks the same: look again.
      if (!(error instanceof OutcomeUnknown || error instanceof Transient)) throw error;
      const again = await this.getRecord(creds, repo, POST, rkey);
      if (again?.cid) return { ref: { uri: again.uri, cid: again.cid }, existed: true };
      // Not there: safe to retry later, the same rkey still guards against a double post.
      throw new Transient(NETWORK, `${(error as ConnectorError).message}; the post was not created and may be retried`, { cause: error });
    }
  }

  private async buildRecord(creds: Credentials, part: PostContent, reply: { root: Ref; parent: Ref } | undefined, languages: string[] | undefined) {
    const text = analyseBlueskyText(part.text);
    if (text.graphemes > BLUESKY_MAX_GRAPHEMES) {
      throw new Rejected(NETWORK, `Text is ${text.graphemes} graphemes; Bluesky allows ${BLUESKY_MAX_GRAPHEMES}.`);
    }
    const dids = await this.resolveHandles(creds, text.mentions.map((m) => m.handle));
    const facets = withMentions(text, dids);
    const embed = await this.buildEmbed(creds, part.media ?? [], part.link);
    return {
      $type: POST,
      text: text.text,
      createdAt: this.now().toISOString(),
      ...(facets.length ? { facets } : {}),
      ...(reply ? { reply } : {}),
      ...(embed ? { embed } : {}),
      ...(languages?.length ? { langs: languages } : {}),
    };
  }

  private async resolveHandles(creds: Credentials, handles: string[]): Promise<Map<string, string>> {
    const dids = new Map<string, string>();
    for (const handle of new Set(handles.map((h) => h.toLowerCase()))) {
      try {
        const { did } = await this.xrpc.query(service(creds), 'com.atproto.identity.resolveHandle', { query: { handle }, token: creds.accessToken, schema: ResolvedHandle });
        dids.set(handle, did);
      } catch (e) {
        // An unknown handle is posted as plain text, as the Bluesky app does.
        if (!(e instanceof Rejected)) throw e;
      }
    }
    return dids;
  }

  private async buildEmbed(creds: Credentials, media: MediaInput[], link: LinkCardInput | undefined): Promise<Record<string, unknown> | undefined> {
    const images = media.filter((m) => m.kind === 'image');
    const videos = media.filter((m) => m.kind === 'video');
    if (videos.length > 1 || (videos.length && images.length)) throw new Rejected(NETWORK, 'Bluesky takes one video, without images, per post.');
    if (videos[0]) {
      // Uploaded straight to the PDS (app.bsky.embed.video). The Bluesky app goes through its
      // video service for transcoding first; that service is not used here (see docs/connectors.md).
      const video = videos[0];
      const blob = await this.upload(creds, video);
      return {
        $type: 'app.bsky.embed.video',
        video: blob,
        ...(video.altText ? { alt: video.altText } : {}),
        ...(video.width && video.height ? { aspectRatio: { width: video.width, height: video.height } } : {}),
      };
    }
    if (images.length > 0) {
      const uploaded = [];
      for (const image of images) {
        const blob = await this.upload(creds, image);
        uploaded.push({
          image: blob,
          alt: image.altText ?? '',
          ...(image.width && image.height ? { aspectRatio: { width: image.width, height: image.height } } : {}),
        });
      }
      return { $type: 'app.bsky.embed.images', images: uploaded };
    }
    if (link) {
      const thumb = link.thumbnail ? await this.upload(creds, link.thumbnail) : undefined;
      return {
        $type: 'app.bsky.embed.external',
        external: { uri: link.url, title: link.title ?? '', description: link.description ?? '', ...(thumb ? { thumb } : {}) },
      };
    }
    return undefined;
  }

  private async upload(creds: Credentials, media: MediaInput): Promise<Blob> {
    if (!media.data) throw new Rejected(NETWORK, 'Bluesky needs the media bytes to upload; only a URL was given.');
    // Blobs are content-addressed: uploading the same bytes twice is harmless, so retries are fine.
    const { blob } = await this.xrpc.procedure(service(creds), 'com.atproto.repo.uploadBlob', {
      bytes: { data: media.data, mimeType: media.mimeType },
      token: creds.accessToken,
      schema: UploadedBlob,
      idempotent: true,
    });
    return blob;
  }
}

export const service = (creds: Credentials): string => {
  if (!creds.serviceUrl) throw new Rejected(NETWORK, 'Bluesky credentials have no PDS URL (serviceUrl).');
  return creds.serviceUrl;
};
