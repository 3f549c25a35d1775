/**
 * Instagram content publishing (Graph API v26.0): POST /{ig-user-id}/media makes a container
 * (carousel: one per item, then a CAROUSEL container with `children`), GET /{container}
 * ?fields=status_code until FINISHED, then POST /{ig-user-id}/media_publish with `creation_id`.
 * See ../meta/containers.ts for why the three steps are separate and how a caller resumes.
 */
import type { Credentials, MediaInput, PostContent, PublishInput, PublishResult } from '../connector.ts';
import { Rejected } from '../errors.ts';
import { postFromContainer, publishOnce, reuseOrReplace, waitForContainer } from '../meta/containers.ts';
import { Created, type Form, type GraphClient } from '../meta/graph.ts';
import { Container, Media, MediaList } from './schemas.ts';

const NETWORK = 'instagram';

// Error subcodes Instagram reports on a container that failed (IG error codes reference).
const CONTAINER_ERRORS: Record<string, string> = {
  '2207003': 'Instagram timed out downloading the media; check that the URL answers quickly.',
  '2207004': 'the image is too large (at most 8 MB).',
  '2207005': 'the image format is not supported (use JPEG).',
  '2207009': 'the aspect ratio is not supported (images 4:5 to 1.91:1).',
  '2207010': 'the caption is too long (2,200 characters, 30 hashtags, 20 mentions).',
  '2207026': 'the video format is not supported (MP4 or MOV, H.264/HEVC, AAC).',
  '2207052': 'Instagram could not fetch the media from its URL; it must be public and answer without redirects or login.',
};

export function explainContainerError(detail: string | undefined): string {
  const code = detail?.match(/22070\d\d/)?.[0];
  return (code && CONTAINER_ERRORS[code]) || `Instagram could not process the media${detail ? ` (${detail})` : ''}.`;
}

/** Instagram shows no link cards: a link stays readable in the caption (not clickable there). */
export const captionOf = (content: PostContent): string =>
  content.link && !content.text.includes(content.link.url) ? `${content.text}\n\n${content.link.url}`.trim() : content.text;

export class InstagramPublisher {
  constructor(
    private readonly graph: GraphClient,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => Date,
  ) {}

  /**
   * The whole publish. The container id is checkpointed (and stored by the caller) before the
   * container is published, so an attempt that resumes from it never makes a second container
   * for the same post: it publishes that one, or finds the post it already became.
   */
  async publish(c: Credentials, input: PublishInput): Promise<PublishResult> {
    const caption = captionOf(input);
    const resume = input.resume;
    if (resume?.containerId) {
      const containerId = resume.containerId;
      const choice = await reuseOrReplace({
        network: NETWORK,
        containerId,
        createdAt: resume.containerCreatedAt,
        read: async () => {
          const s = await this.graph.find(c, containerId, Container, { fields: 'id,status_code' });
          return s && { status: s.status_code };
        },
        now: this.now(),
      });
      if (choice === 'reuse') return this.publishContainer(c, containerId, caption, resume.containerCreatedAt);
    }
    const containerCreatedAt = this.now().toISOString();
    const containerId = await this.createContainer(c, input);
    await input.onCheckpoint?.({ containerId, containerCreatedAt });
    return this.publishContainer(c, containerId, caption, containerCreatedAt);
  }

  /** Step 1: the container(s). No post exists yet, so each call may be retried. */
  async createContainer(c: Credentials, content: PostContent): Promise<string> {
    const media = content.media ?? [];
    if (media.length === 0) throw new Rejected(NETWORK, 'an Instagram post needs at least one image or video.');
    const caption = captionOf(content);
    if (media.length === 1) return this.create(c, { ...this.itemForm(media[0]!, false), caption: caption || undefined });
    const children: string[] = [];
    for (const m of media) children.push(await this.create(c, this.itemForm(m, true)));
    return this.create(c, { media_type: 'CAROUSEL', children: children.join(','), caption: caption || undefined });
  }

  /** Step 2 and 3: wait for processing, then publish exactly once. */
  async publishContainer(c: Credentials, containerId: string, caption?: string, createdAt?: string): Promise<PublishResult> {
    const state = await waitForContainer({
      network: NETWORK,
      containerId,
      read: async () => {
        const s = await this.graph.get(c, containerId, Container, { fields: 'id,status_code,status' });
        return { status: s.status_code, ...(s.status ? { detail: s.status } : {}) };
      },
      sleep: this.sleep,
      explain: explainContainerError,
    });
    if (state === 'PUBLISHED') return this.alreadyPublished(c, containerId, caption, createdAt);
    const published = await publishOnce(NETWORK, containerId, () =>
      this.graph.post(c, `${c.accountId}/media_publish`, Created, { creation_id: containerId }),
    );
    return { posts: [{ id: published.id, ...(await this.permalink(c, published.id)) }] };
  }

  /**
   * A resumed container that a previous attempt did publish: Graph does not link a container to
   * its media, so look for the one recent media with the same caption made since the container.
   */
  private async alreadyPublished(c: Credentials, containerId: string, caption: string | undefined, createdAt: string | undefined): Promise<PublishResult> {
    const recent = await this.graph.get(c, `${c.accountId}/media`, MediaList, { fields: 'id,caption,permalink,timestamp', limit: 25 });
    const match = postFromContainer({
      network: NETWORK,
      containerId,
      createdAt,
      candidates: caption === undefined ? [] : recent.data,
      matches: (m) => (m.caption ?? '') === caption,
    });
    return { posts: [{ id: match.id, ...(match.permalink ? { url: match.permalink } : {}) }], alreadyExisted: true };
  }

  private itemForm(m: MediaInput, carouselItem: boolean): Form {
    // Instagram fetches media itself: bytes cannot be uploaded through this API.
    if (!m.url) throw new Rejected(NETWORK, 'Instagram needs every image or video as a public URL (it fetches the media itself).');
    const item: Form = carouselItem ? { is_carousel_item: 'true' } : {};
    if (m.kind === 'video') return { ...item, media_type: carouselItem ? 'VIDEO' : 'REELS', video_url: m.url };
    // alt_text exists for images only (since 2025-03-24), not reels or stories.
    return { ...item, image_url: m.url, ...(m.altText ? { alt_text: m.altText } : {}) };
  }

  private async create(c: Credentials, form: Form): Promise<string> {
    // An unpublished container is invisible and expires in 24 hours: repeating this call cannot
    // make a second post, so it may be retried like a read.
    return (await this.graph.post(c, `${c.accountId}/media`, Created, form, { idempotent: true })).id;
  }

  /** The post exists whatever happens here: a failed permalink read must not fail the publish. */
  private async permalink(c: Credentials, mediaId: string): Promise<{ url?: string }> {
    try {
      const m = await this.graph.get(c, mediaId, Media.pick({ id: true, permalink: true }), { fields: 'id,permalink' });
      return m.permalink ? { url: m.permalink } : {};
    } catch {
      return {};
    }
  }
}
