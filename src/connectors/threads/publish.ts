/**
 * Threads publishing (Threads API v1.0): POST /{user-id}/threads makes a container (carousel:
 * one per item, then a CAROUSEL container), GET /{container}?fields=status until FINISHED, then
 * POST /{user-id}/threads_publish with `creation_id`. A thread chains each post to the previous
 * one with `reply_to_id`. See ../meta/containers.ts for the split between the steps.
 */
import type { Credentials, MediaInput, PostContent, PublishCheckpoint, PublishedPost } from '../connector.ts';
import { OutcomeUnknown, RateLimited, Rejected, Transient, type ConnectorErrorDetails } from '../errors.ts';
import { postFromContainer, publishOnce, reuseOrReplace, waitForContainer } from '../meta/containers.ts';
import { Created, type Form, type GraphClient } from '../meta/graph.ts';
import { Container, MediaList, ThreadsMedia } from './schemas.ts';

const NETWORK = 'threads';

/**
 * Part of a thread is already on Threads when a later post failed. Retrying the whole thread
 * would post its head twice, so this is an unknown outcome listing what exists.
 */
export class ThreadPartiallyPublished extends OutcomeUnknown {
  constructor(readonly published: PublishedPost[], message: string, details: ConnectorErrorDetails = {}) {
    super(NETWORK, message, details);
  }
}

export class ThreadsPublisher {
  constructor(
    private readonly graph: GraphClient,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => Date,
  ) {}

  /** Step 1: the container(s). Unpublished containers are invisible and expire: retry freely. */
  async createContainer(c: Credentials, content: PostContent, replyTo?: string): Promise<string> {
    const media = content.media ?? [];
    const common: Form = { text: content.text || undefined, reply_to_id: replyTo };
    if (media.length === 0) {
      // A link preview is a TEXT-post feature (link_attachment).
      return this.create(c, { media_type: 'TEXT', ...common, link_attachment: content.link?.url });
    }
    const text = textOf(content);
    if (media.length === 1) return this.create(c, { ...itemForm(media[0]!, false), ...common, text: text || undefined });
    const children: string[] = [];
    for (const m of media) children.push(await this.create(c, itemForm(m, true)));
    return this.create(c, { media_type: 'CAROUSEL', children: children.join(','), ...common, text: text || undefined });
  }

  /**
   * Steps 2 and 3: wait until FINISHED, then publish exactly once. A container an earlier attempt
   * already published is looked up instead (`part`: its text, what it answers, when it was made).
   */
  async publishContainer(c: Credentials, containerId: string, part?: { text: string; replyTo?: string | undefined; createdAt?: string | undefined }): Promise<PublishedPost> {
    const state = await waitForContainer({
      network: NETWORK,
      containerId,
      read: async () => {
        const s = await this.graph.get(c, containerId, Container, { fields: 'id,status,error_message' });
        return { status: s.status, ...(s.error_message ? { detail: s.error_message } : {}) };
      },
      sleep: this.sleep,
      explain: (detail) => `Threads could not process the post${detail ? `: ${detail}` : ''}.`,
    });
    if (state === 'PUBLISHED') {
      if (!part) throw new Rejected(NETWORK, `container ${containerId} was already published; look for the post on the profile instead of publishing it again.`);
      return this.alreadyPublished(c, containerId, part);
    }
    const post = await publishOnce(NETWORK, containerId, () => this.graph.post(c, `${c.accountId}/threads_publish`, Created, { creation_id: containerId }));
    return { id: post.id, ...(await this.permalink(c, post.id)) };
  }

  /**
   * A post and its thread, each part answering the previous one. With `onCheckpoint`, progress is
   * reported before each container is published and after each part is out; with `resume`, the
   * thread continues after the parts already published, reusing the container made for the next.
   */
  async publishThread(
    c: Credentials,
    parts: PostContent[],
    replyTo?: string,
    progress: { onCheckpoint?: ((checkpoint: PublishCheckpoint) => Promise<void>) | undefined; resume?: PublishCheckpoint | undefined } = {},
  ): Promise<PublishedPost[]> {
    const { onCheckpoint, resume } = progress;
    const posts: PublishedPost[] = [...(resume?.published ?? [])].slice(0, parts.length);
    let parent = posts.at(-1)?.id ?? replyTo;
    let reusable = resume?.containerId ? { id: resume.containerId, createdAt: resume.containerCreatedAt } : undefined;
    for (let i = posts.length; i < parts.length; i++) {
      const part = parts[i]!;
      try {
        let container = reusable && (await this.reuse(c, reusable.id, reusable.createdAt)) ? reusable : undefined;
        reusable = undefined;
        if (!container) {
          const createdAt = this.now().toISOString();
          container = { id: await this.createContainer(c, part, parent), createdAt };
          await onCheckpoint?.({ published: [...posts], containerId: container.id, containerCreatedAt: createdAt });
        }
        const published = await this.publishContainer(c, container.id, { text: textOf(part), replyTo: parent, createdAt: container.createdAt });
        posts.push(published);
        parent = published.id;
        if (i < parts.length - 1) await onCheckpoint?.({ published: [...posts] });
      } catch (e) {
        if (posts.length === 0) throw e;
        // With a checkpoint stored, a failure that sent nothing is resumed like any other retry.
        if (onCheckpoint && (e instanceof Transient || e instanceof RateLimited)) throw e;
        const ids = posts.map((p) => p.id).join(', ');
        throw new ThreadPartiallyPublished(posts, `Threads published ${posts.length} of ${parts.length} posts of the thread (${ids}) before failing: ${(e as Error).message}`, { cause: e });
      }
    }
    return posts;
  }

  private async reuse(c: Credentials, containerId: string, createdAt: string | undefined): Promise<boolean> {
    const choice = await reuseOrReplace({
      network: NETWORK,
      containerId,
      createdAt,
      read: async () => {
        const s = await this.graph.find(c, containerId, Container, { fields: 'id,status' });
        return s && { status: s.status };
      },
      now: this.now(),
    });
    return choice === 'reuse';
  }

  /**
   * The post a published container became: the account's posts (or, for a reply, its replies)
   * since the container was made, with the same text and answering the same post.
   */
  private async alreadyPublished(c: Credentials, containerId: string, part: { text: string; replyTo?: string | undefined; createdAt?: string | undefined }): Promise<PublishedPost> {
    const since = part.createdAt ? { since: Math.floor(Date.parse(part.createdAt) / 1000) - 300 } : {};
    const edge = part.replyTo ? 'replies' : 'threads';
    const recent = await this.graph.get(c, `${c.accountId}/${edge}`, MediaList, { fields: 'id,text,permalink,timestamp,replied_to', limit: 25, ...since });
    const match = postFromContainer({
      network: NETWORK,
      containerId,
      createdAt: part.createdAt,
      candidates: recent.data,
      matches: (m) => (m.text ?? '') === part.text && (!part.replyTo || m.replied_to?.id === part.replyTo),
    });
    return { id: match.id, ...(match.permalink ? { url: match.permalink } : {}) };
  }

  private async create(c: Credentials, form: Form): Promise<string> {
    return (await this.graph.post(c, `${c.accountId}/threads`, Created, form, { idempotent: true })).id;
  }

  /** The post exists whatever happens here: a failed permalink read must not fail the publish. */
  private async permalink(c: Credentials, id: string): Promise<{ url?: string }> {
    try {
      const m = await this.graph.get(c, id, ThreadsMedia.pick({ id: true, permalink: true }), { fields: 'id,permalink' });
      return m.permalink ? { url: m.permalink } : {};
    } catch {
      return {};
    }
  }
}

/** The text a post's container carries: with media there is no link preview, so the link joins the text. */
const textOf = (content: PostContent): string =>
  content.media?.length && content.link && !content.text.includes(content.link.url) ? `${content.text}\n\n${content.link.url}`.trim() : content.text;

function itemForm(m: MediaInput, carouselItem: boolean): Form {
  if (!m.url) throw new Rejected(NETWORK, 'Threads needs every image or video as a public URL (it fetches the media itself).');
  return {
    media_type: m.kind === 'video' ? 'VIDEO' : 'IMAGE',
    ...(m.kind === 'video' ? { video_url: m.url } : { image_url: m.url }),
    ...(carouselItem ? { is_carousel_item: 'true' } : {}),
    ...(m.altText ? { alt_text: m.altText } : {}),
  };
}
