/**
 * Fetches a web page for a link preview, or the image a card names: http(s) only, public
 * addresses only (each redirect checked again), a size cap and one deadline for the whole exchange.
 */
import http from 'node:http';
import https from 'node:https';
import { assertLiteralAllowed, BlockedAddress, guardedLookup } from './address.ts';

export interface FetchPageOptions {
  /** Whether a resolved address may be connected to (public addresses only, unless configured). */
  isAllowedAddress: (address: string) => boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface FetchedPage {
  /** Where the page was finally found, after redirects. */
  url: string;
  contentType: string;
  body: string;
}

export interface FetchedImage {
  url: string;
  /** One of the types asked for. */
  contentType: string;
  data: Uint8Array;
}

export type PageFailure = 'blocked' | 'scheme' | 'timeout' | 'too_large' | 'not_html' | 'not_image' | 'http_status' | 'unreachable' | 'redirects';

export class PageFetchError extends Error {
  constructor(readonly reason: PageFailure, message: string) {
    super(message);
  }
}

/** What a fetch accepts: the answer's content type, checked before the body is read. */
interface Wanted {
  accept: string;
  types: readonly string[];
  /** What the thing is called in messages: "page", "image". */
  noun: string;
  wrongType: (contentType: string) => PageFetchError;
}

const PAGE: Wanted = {
  accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
  types: ['text/html', 'application/xhtml+xml'],
  noun: 'page',
  wrongType: (type) => new PageFetchError('not_html', `The link is not a web page (${type || 'no content type'}).`),
};

export async function fetchPage(target: string, options: FetchPageOptions): Promise<FetchedPage> {
  const answer = await fetchFollowing(target, options, PAGE);
  return { url: answer.url, contentType: answer.contentType, body: decode(answer.body, answer.contentTypeHeader) };
}

/**
 * Fetches a card's image under the same address rules as pages, accepting only the given image
 * types (SVG is never one: it is a document that may run script, and networks refuse it anyway).
 */
export async function fetchImage(target: string, options: FetchPageOptions & { types: readonly string[] }): Promise<FetchedImage> {
  const types = options.types.filter((t) => t.startsWith('image/') && t !== 'image/svg+xml');
  const answer = await fetchFollowing(target, options, {
    accept: types.join(','),
    types,
    noun: 'image',
    wrongType: (type) => new PageFetchError('not_image', `The card's image is not one of ${types.join(', ')} (${type || 'no content type'}).`),
  });
  return { url: answer.url, contentType: answer.contentType, data: new Uint8Array(answer.body) };
}

async function fetchFollowing(target: string, options: FetchPageOptions, wanted: Wanted) {
  const deadline = Date.now() + options.timeoutMs;
  let url = parseHttpUrl(target);
  for (let hop = 0; hop <= options.maxRedirects; hop++) {
    const answer = await requestOnce(url, options, deadline, wanted);
    if (answer.redirect) {
      // A redirect may point anywhere, including inside: the next hop is checked like the first.
      url = parseHttpUrl(new URL(answer.redirect, url).toString());
      continue;
    }
    return { url: url.toString(), contentType: answer.contentType, contentTypeHeader: answer.contentTypeHeader, body: answer.body };
  }
  throw new PageFetchError('redirects', `The ${wanted.noun} redirected more than ${options.maxRedirects} times.`);
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PageFetchError('scheme', 'That is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PageFetchError('scheme', `Only http and https links get a preview, not ${url.protocol.replace(':', '')}.`);
  if (url.username || url.password) throw new PageFetchError('scheme', 'Links with a user name or password get no preview.');
  return url;
}

interface Answer {
  redirect?: string;
  contentType: string;
  contentTypeHeader: string;
  body: Buffer;
}

function requestOnce(url: URL, options: FetchPageOptions, deadline: number, wanted: Wanted): Promise<Answer> {
  return new Promise((resolve, reject) => {
    try {
      assertLiteralAllowed(url.hostname, options.isAllowedAddress);
    } catch (error) {
      return reject(new PageFetchError('blocked', (error as Error).message));
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new PageFetchError('timeout', 'The site took too long to answer.'));
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      agent: false,
      lookup: guardedLookup(options.isAllowedAddress) as never,
      headers: {
        // Sites serve their Open Graph tags to crawlers; say what this is.
        'user-agent': 'Mozilla/5.0 (compatible; ChorusLinkPreview/1.0)',
        accept: wanted.accept,
        'accept-encoding': 'identity',
      },
    });
    const timer = setTimeout(() => request.destroy(new PageFetchError('timeout', 'The site took too long to answer.')), remaining);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      if (error instanceof PageFetchError) return reject(error);
      if (error instanceof BlockedAddress) return reject(new PageFetchError('blocked', error.message));
      const code = (error as NodeJS.ErrnoException).code;
      reject(new PageFetchError('unreachable', `The site could not be reached${code ? ` (${code})` : ''}.`));
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        clearTimeout(timer);
        response.resume();
        request.destroy();
        return resolve({ redirect: response.headers.location, contentType: '', contentTypeHeader: '', body: Buffer.alloc(0) });
      }
      if (status < 200 || status >= 300) {
        response.resume();
        request.destroy();
        return fail(new PageFetchError('http_status', `The site answered HTTP ${status}.`));
      }
      const contentTypeHeader = response.headers['content-type'] ?? '';
      const contentType = contentTypeHeader.split(';')[0]!.trim().toLowerCase();
      if (!wanted.types.includes(contentType)) {
        request.destroy();
        return fail(wanted.wrongType(contentType));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy();
          return fail(new PageFetchError('too_large', `The ${wanted.noun} is larger than ${Math.round(options.maxBytes / 1024)} KB.`));
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ contentType, contentTypeHeader, body: Buffer.concat(chunks) });
      });
    });
    request.end();
  });
}

function decode(bytes: Buffer, contentType: string): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(bytes.subarray(0, 2048).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
