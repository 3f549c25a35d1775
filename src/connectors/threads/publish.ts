/**
 * Threads publishing (Threads API v1.0): POST /{user-id}/threads makes a container (carousel:
 * one per item, then a CAROUSEL container), GET /{container}?fields=status until FINISHED, then
 * POST /{user-id}/threads_publish with `creation_id`. A thread chains each post to the previous
 * one with `reply_to_id`. See ../meta/containers.ts for the split between the steps.
 */
import type { Credentials, MediaInput, PostContent, PublishedPost } from '../connector.ts';
import { OutcomeUnknown, Rejected, type ConnectorErrorDetails } from '../errors.ts';
import { publishOnce, waitForContainer } from '../meta/containers.ts';
import { Created, type Form, type GraphClient } from '../meta/graph.ts';
import { Container, ThreadsMedia } from './schemas.ts';

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
  ) {}

  /** Step 1: the container(s). Unpublished containers are invisible and expire: retry freely. */
  async createContainer(c: Credentials, content: PostContent, replyTo?: string): Promise<string> {
    const media = content.media ?? [];
    const common: Form = { text: content.text || undefined, reply_to_id: replyTo };
    if (media.length === 0) {
      // A link preview is a TEXT-post feature (link_attachment).
      return this.create(c, { media_type: 'TEXT', ...common, link_attachment: content.link?.url });
    }
    const text = content.link && !content.text.includes(content.link.url) ? `${content.text}\n\n${content.link.url}`.trim() : content.text;
    if (media.length === 1) return this.create(c, { ...itemForm(media[0]!, false), ...common, text: text || undefined });
    const children: string[] = [];
    for (const m of media) children.push(await this.create(c, itemForm(m, true)));
    return this.create(c, { media_type: 'CAROUSEL', children: children.join(','), ...common, text: text || undefined });
  }

  /** Steps 2 and 3: wait until FINISHED, then publish exactly once. */
  async publishContainer(c: Credentials, containerId: string): Promise<PublishedPost> {
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
      throw new Rejected(NETWORK, `container ${containerId} was already published; look for the post on the profile instead of publishing it again.`);
    }
    const post = await publishOnce(NETWORK, containerId, () => this.graph.post(c, `${c.accountId}/threads_publish`, Created, { creation_id: containerId }));
    return { id: post.id, ...(await this.permalink(c, post.id)) };
  }

  /** A post and its thread, each part answering the previous one. */
  async publishThread(c: Credentials, parts: PostContent[], replyTo?: string): Promise<PublishedPost[]> {
    const posts: PublishedPost[] = [];
    let parent = replyTo;
    for (const part of parts) {
      try {
        const published = await this.publishContainer(c, await this.createContainer(c, part, parent));
        posts.push(published);
        parent = published.id;
      } catch (e) {
        if (posts.length === 0) throw e;
        const ids = posts.map((p) => p.id).join(', ');
        throw new ThreadPartiallyPublished(posts, `Threads published ${posts.length} of ${parts.length} posts of the thread (${ids}) before failing: ${(e as Error).message}`, { cause: e });
      }
    }
    return posts;
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

function itemForm(m: MediaInput, carouselItem: boolean): Form {
  if (!m.url) throw new Rejected(NETWORK, 'Threads needs every image or video as a public URL (it fetches the media itself).');
  return {
    media_type: m.kind === 'video' ? 'VIDEO' : 'IMAGE',
    ...(m.kind === 'video' ? { video_url: m.url } : { image_url: m.url }),
    ...(carouselItem ? { is_carousel_item: 'true' } : {}),
    ...(m.altText ? { alt_text: m.altText } : {}),
  };
}
