/**
 * LinkedIn media uploads (Images API and Videos API, same version as ./api.ts). Both register the
 * upload first (action=initializeUpload) and then PUT the bytes to URLs LinkedIn hands out; a video
 * comes in parts whose ETags finalize it, then LinkedIn processes it before a post may use it.
 * Registering or uploading again only leaves an unused image/video URN, so these steps are retried.
 */
import { z } from 'zod';
import type { Credentials, MediaInput } from '../connector.ts';
import { InvalidResponse, Rejected, Transient } from '../errors.ts';
import { enc, LINKEDIN_REST, type LinkedInApi, NETWORK } from './api.ts';
import { InitializeUpload } from './schemas.ts';

const InitializeVideo = z.object({
  value: z.object({
    video: z.string().startsWith('urn:li:video:'),
    uploadToken: z.string().default(''),
    uploadInstructions: z.array(z.object({ uploadUrl: z.string().url(), firstByte: z.number(), lastByte: z.number() })).min(1),
  }),
});
const Video = z.object({ id: z.string(), status: z.string() });
/** How long to wait for LinkedIn to process a video before giving up (the publisher may retry). */
const MAX_PROCESSING_SECONDS = 600;
const POLL_SECONDS = 5;

export async function uploadMedia(api: LinkedInApi, c: Credentials, m: MediaInput): Promise<string> {
  if (!m.data) throw new Rejected(NETWORK, 'LinkedIn needs the media bytes to upload; only a URL was given.');
  return m.kind === 'video' ? uploadVideo(api, c, m.data) : uploadImage(api, c, m.data);
}

async function uploadImage(api: LinkedInApi, c: Credentials, data: Uint8Array): Promise<string> {
  const init = await api.http.json({ method: 'POST', url: `${LINKEDIN_REST}/images`, query: { action: 'initializeUpload' }, headers: api.headers(c), json: { initializeUploadRequest: { owner: c.accountId } }, schema: InitializeUpload, idempotent: true });
  await putBytes(api, c, init.value.uploadUrl, data);
  return init.value.image;
}

async function uploadVideo(api: LinkedInApi, c: Credentials, data: Uint8Array): Promise<string> {
  const init = await api.http.json({
    method: 'POST',
    url: `${LINKEDIN_REST}/videos`,
    query: { action: 'initializeUpload' },
    headers: api.headers(c),
    json: { initializeUploadRequest: { owner: c.accountId, fileSizeBytes: data.byteLength, uploadCaptions: false, uploadThumbnail: false } },
    schema: InitializeVideo,
    idempotent: true,
  });
  const { video, uploadToken, uploadInstructions } = init.value;
  const etags: string[] = [];
  for (const part of uploadInstructions) {
    const etag = await putBytes(api, c, part.uploadUrl, data.slice(part.firstByte, part.lastByte + 1));
    if (!etag) throw new InvalidResponse(NETWORK, `LinkedIn accepted part ${part.firstByte}-${part.lastByte} of ${video} without an ETag; the upload cannot be finalized.`);
    etags.push(etag);
  }
  await api.send(c, 'POST', '/videos', { query: { action: 'finalizeUpload' }, json: { finalizeUploadRequest: { video, uploadToken, uploadedPartIds: etags } }, idempotent: true });
  for (let waited = 0; ; waited += POLL_SECONDS) {
    const { status } = await api.get(c, `/videos/${enc(video)}`, Video);
    if (status === 'AVAILABLE') return video;
    if (status === 'PROCESSING_FAILED') throw new Rejected(NETWORK, `LinkedIn could not process the video (${video}).`);
    if (waited >= MAX_PROCESSING_SECONDS) throw new Transient(NETWORK, `LinkedIn is still processing ${video}; try publishing again later.`);
    await api.http.options.sleep(POLL_SECONDS * 1000);
  }
}

/** PUT to a LinkedIn upload URL (on www.linkedin.com); the answer's ETag names the part. */
async function putBytes(api: LinkedInApi, c: Credentials, url: string, data: Uint8Array): Promise<string | null> {
  const res = await api.http.request({ method: 'PUT', url, headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/octet-stream' }, body: data });
  return res.headers.get('etag');
}
