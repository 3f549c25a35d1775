/**
 * Validate a post against a connector's declared limits before anything is sent, so the composer
 * can show every problem at once and the publisher never spends an API call on a sure refusal.
 */
import type { ConnectorInfo, MediaInput, MediaKindLimits, PostContent, PublishInput } from './connector.ts';
import { countText } from './text/count.ts';

export interface PostProblem {
  /** Which post of a thread (0 = the first). */
  post: number;
  field: 'text' | 'media' | 'altText' | 'link' | 'thread';
  code: 'too_long' | 'empty' | 'too_many' | 'type_not_allowed' | 'too_large' | 'not_supported' | 'needs_url';
  message: string;
  /** For media problems: which attachment. */
  mediaIndex?: number;
}

export function validatePost(info: ConnectorInfo, input: Pick<PublishInput, 'text' | 'media' | 'link' | 'thread'>): PostProblem[] {
  const problems: PostProblem[] = [];
  const posts: PostContent[] = [input, ...(input.thread ?? [])];
  const { limits, capabilities } = info;
  if (posts.length > 1 && !capabilities.includes('publish.thread')) {
    problems.push({ post: 1, field: 'thread', code: 'not_supported', message: `${info.displayName} does not support threads.` });
  }
  if (limits.maxThreadLength !== undefined && posts.length > limits.maxThreadLength) {
    problems.push({ post: limits.maxThreadLength, field: 'thread', code: 'too_many', message: `At most ${limits.maxThreadLength} posts in a thread.` });
  }
  posts.forEach((post, index) => problems.push(...validateOne(info, post, index)));
  return problems;
}

function validateOne(info: ConnectorInfo, post: PostContent, index: number): PostProblem[] {
  const problems: PostProblem[] = [];
  const { text, media: mediaLimits } = info.limits;
  const media = post.media ?? [];
  const length = countText(post.text, text.counting);
  if (length > text.maxLength) {
    problems.push({ post: index, field: 'text', code: 'too_long', message: `Text is ${length} of ${text.maxLength} allowed (${text.counting}).` });
  }
  if (post.text.trim() === '' && media.length === 0 && !post.link) {
    problems.push({ post: index, field: 'text', code: 'empty', message: 'A post needs text, media or a link.' });
  }
  if (post.link && !info.capabilities.includes('publish.linkCard')) {
    problems.push({ post: index, field: 'link', code: 'not_supported', message: `${info.displayName} does not take link cards; put the URL in the text.` });
  }
  if (media.length > mediaLimits.maxCount) {
    problems.push({ post: index, field: 'media', code: 'too_many', message: `At most ${mediaLimits.maxCount} attachments.` });
  }
  const videos = media.filter((m) => m.kind === 'video').length;
  if (mediaLimits.video && videos > mediaLimits.video.maxCount) {
    problems.push({ post: index, field: 'media', code: 'too_many', message: `At most ${mediaLimits.video.maxCount} video${mediaLimits.video.maxCount === 1 ? '' : 's'} per post.` });
  }
  if (videos > 0 && videos < media.length && !mediaLimits.mixed) {
    problems.push({ post: index, field: 'media', code: 'not_supported', message: 'Images and videos cannot be mixed in one post.' });
  }
  media.forEach((m, mediaIndex) => problems.push(...validateMedia(info, m, index, mediaIndex)));
  return problems;
}

function validateMedia(info: ConnectorInfo, m: MediaInput, post: number, mediaIndex: number): PostProblem[] {
  const problems: PostProblem[] = [];
  const limits = info.limits.media;
  const kind = m.kind === 'image' ? limits.image : limits.video;
  const capability = m.kind === 'image' ? 'publish.images' : 'publish.video';
  const at = { post, mediaIndex };
  if (!kind || !info.capabilities.includes(capability)) {
    return [{ ...at, field: 'media', code: 'not_supported', message: `${info.displayName} does not take ${m.kind}s here.` }];
  }
  if (!kind.mimeTypes.includes(m.mimeType)) {
    problems.push({ ...at, field: 'media', code: 'type_not_allowed', message: `${m.mimeType} is not accepted (${kind.mimeTypes.join(', ')}).` });
  }
  if (m.data && m.data.byteLength > kind.maxBytes) {
    problems.push({ ...at, field: 'media', code: 'too_large', message: `${m.kind} is ${m.data.byteLength} bytes; at most ${kind.maxBytes}.` });
  }
  problems.push(...shapeProblems(kind, m).map((message) => ({ ...at, field: 'media' as const, code: 'not_supported' as const, message })));
  if (limits.requiresPublicUrl && !m.url) {
    problems.push({ ...at, field: 'media', code: 'needs_url', message: `${info.displayName} fetches media from a public URL; none was given.` });
  }
  if (m.altText && limits.altTextMaxLength >= 0) {
    const alt = countText(m.altText, 'graphemes');
    if (limits.altTextMaxLength === 0) {
      problems.push({ ...at, field: 'altText', code: 'not_supported', message: `${info.displayName} does not take alt text through its API.` });
    } else if (alt > limits.altTextMaxLength) {
      problems.push({ ...at, field: 'altText', code: 'too_long', message: `Alt text is ${alt} of ${limits.altTextMaxLength} allowed.` });
    }
  }
  return problems;
}

/** Dimensions and length against the network's rules, when the file's are known. */
function shapeProblems(kind: MediaKindLimits, m: MediaInput): string[] {
  const problems: string[] = [];
  if (m.width && m.height) {
    const ratio = m.width / m.height;
    const shown = `${m.width}×${m.height}`;
    // A hundredth of slack: 1080×1350 is 4:5 even if rounding says 0.7999.
    if (kind.minAspectRatio !== undefined && ratio < kind.minAspectRatio - 0.01) problems.push(`This ${m.kind} (${shown}) is too tall: the width must be at least ${ratioText(kind.minAspectRatio)} of the height.`);
    if (kind.maxAspectRatio !== undefined && ratio > kind.maxAspectRatio + 0.01) problems.push(`This ${m.kind} (${shown}) is too wide: at most ${ratioText(kind.maxAspectRatio)} times as wide as tall.`);
    if (kind.maxPixels !== undefined && m.width * m.height > kind.maxPixels) problems.push(`This ${m.kind} has ${(m.width * m.height / 1e6).toFixed(1)} megapixels; at most ${(kind.maxPixels / 1e6).toFixed(1)}.`);
  }
  if (m.kind === 'video' && m.durationSeconds !== undefined) {
    if (kind.maxDurationSeconds !== undefined && m.durationSeconds > kind.maxDurationSeconds) problems.push(`This video is ${duration(m.durationSeconds)} long; at most ${duration(kind.maxDurationSeconds)}.`);
    if (kind.minDurationSeconds !== undefined && m.durationSeconds < kind.minDurationSeconds) problems.push(`This video is ${duration(m.durationSeconds)} long; at least ${duration(kind.minDurationSeconds)}.`);
  }
  return problems;
}

const ratioText = (ratio: number) => (Number.isInteger(ratio * 100) ? String(ratio) : ratio.toFixed(2));
const duration = (seconds: number) => (seconds < 60 ? `${Math.round(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`);
