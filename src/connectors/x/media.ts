/**
 * X media upload (API v2): images in one request, video in chunks
 * (initialize -> append segments -> finalize -> status until processed), alt text via metadata.
 * Uploads happen before the post is created and leave nothing visible if repeated (unused media
 * ids expire), so they may be retried; waiting for processing also happens before posting.
 */
import { z } from 'zod';
import type { Credentials, MediaInput } from '../connector.ts';
import { Rejected, Transient } from '../errors.ts';
import type { HttpClient } from '../http.ts';

const NETWORK = 'x';
const CHUNK_BYTES = 4 * 1024 * 1024; // APPEND segments must be at most 5 MB
const MAX_WAIT_SECONDS = 300;

const ProcessingInfo = z.object({
  state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
  check_after_secs: z.number().optional(),
  progress_percent: z.number().optional(),
  error: z.object({ message: z.string().optional() }).optional(),
});
const Uploaded = z.object({ data: z.object({ id: z.string(), media_key: z.string().optional(), processing_info: ProcessingInfo.optional() }) });

export class XMedia {
  constructor(private readonly http: HttpClient, private readonly api: string) {}

  private auth(c: Credentials) {
    return { authorization: `Bearer ${c.accessToken}` };
  }

  async upload(c: Credentials, m: MediaInput): Promise<string> {
    if (!m.data) throw new Rejected(NETWORK, 'X needs the media bytes to upload; only a URL was given.');
    const id = m.kind === 'video' ? await this.uploadVideo(c, m.data, m.mimeType) : await this.uploadImage(c, m.data, m.mimeType);
    if (m.altText) {
      await this.http.request({ method: 'POST', url: `${this.api}/media/metadata`, headers: this.auth(c), json: { id, metadata: { alt_text: { text: m.altText } } }, idempotent: true });
    }
    return id;
  }

  private async uploadImage(c: Credentials, data: Uint8Array, mimeType: string): Promise<string> {
    const form = new FormData();
    form.set('media', new Blob([new Uint8Array(data)], { type: mimeType }), 'media');
    form.set('media_category', mimeType === 'image/gif' ? 'tweet_gif' : 'tweet_image');
    const { data: media } = await this.http.json({ method: 'POST', url: `${this.api}/media/upload`, headers: this.auth(c), body: form, schema: Uploaded, idempotent: true });
    return media.id;
  }

  private async uploadVideo(c: Credentials, data: Uint8Array, mimeType: string): Promise<string> {
    const { data: init } = await this.http.json({
      method: 'POST',
      url: `${this.api}/media/upload/initialize`,
      headers: this.auth(c),
      json: { media_type: mimeType, total_bytes: data.byteLength, media_category: 'tweet_video' },
      schema: Uploaded,
      idempotent: true,
    });
    for (let offset = 0, segment = 0; offset < data.byteLength; offset += CHUNK_BYTES, segment++) {
      const form = new FormData();
      form.set('segment_index', String(segment));
      form.set('media', new Blob([new Uint8Array(data.subarray(offset, offset + CHUNK_BYTES))], { type: 'application/octet-stream' }), 'chunk');
      // Appending the same segment index again overwrites it: safe to retry.
      await this.http.request({ method: 'POST', url: `${this.api}/media/upload/${init.id}/append`, headers: this.auth(c), body: form, idempotent: true });
    }
    const { data: done } = await this.http.json({ method: 'POST', url: `${this.api}/media/upload/${init.id}/finalize`, headers: this.auth(c), schema: Uploaded, idempotent: true });
    await this.waitUntilProcessed(c, init.id, done.processing_info);
    return init.id;
  }

  private async waitUntilProcessed(c: Credentials, id: string, info: z.infer<typeof ProcessingInfo> | undefined): Promise<void> {
    let waited = 0;
    while (info && info.state !== 'succeeded') {
      if (info.state === 'failed') throw new Rejected(NETWORK, `X could not process the video: ${info.error?.message ?? 'unknown reason'}`);
      if (waited >= MAX_WAIT_SECONDS) throw new Transient(NETWORK, 'X is still processing the video; try again later.');
      const wait = Math.max(1, info.check_after_secs ?? 5);
      await this.http.options.sleep(wait * 1000);
      waited += wait;
      const status = await this.http.json({ method: 'GET', url: `${this.api}/media/upload`, headers: this.auth(c), query: { command: 'STATUS', media_id: id }, schema: Uploaded });
      info = status.data.processing_info;
    }
  }
}
