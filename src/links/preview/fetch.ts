/**
 * Fetches a web page for a link preview: http(s) only, public addresses only (each redirect
 * checked again), a size cap and one deadline for the whole exchange.
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

export type PageFailure = 'blocked' | 'scheme' | 'timeout' | 'too_large' | 'not_html' | 'http_status' | 'unreachable' | 'redirects';

export class PageFetchError extends Error {
  constructor(readonly reason: PageFailure, message: string) {
    super(message);
  }
}

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

export async function fetchPage(target: string, options: FetchPageOptions): Promise<FetchedPage> {
  const deadline = Date.now() + options.timeoutMs;
  let url = parseHttpUrl(target);
  for (let hop = 0; hop <= options.maxRedirects; hop++) {
    const answer = await requestOnce(url, options, deadline);
    if (answer.redirect) {
      // A redirect may point anywhere, including inside: the next hop is checked like the first.
      url = parseHttpUrl(new URL(answer.redirect, url).toString());
      continue;
    }
    return { url: url.toString(), contentType: answer.contentType, body: answer.body };
  }
  throw new PageFetchError('redirects', `The page redirected more than ${options.maxRedirects} times.`);
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
  body: string;
}

function requestOnce(url: URL, options: FetchPageOptions, deadline: number): Promise<Answer> {
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
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
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
        return resolve({ redirect: response.headers.location, contentType: '', body: '' });
      }
      if (status < 200 || status >= 300) {
        response.resume();
        request.destroy();
        return fail(new PageFetchError('http_status', `The site answered HTTP ${status}.`));
      }
      const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!HTML_TYPES.includes(contentType)) {
        request.destroy();
        return fail(new PageFetchError('not_html', `The link is not a web page (${contentType || 'no content type'}).`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy();
          return fail(new PageFetchError('too_large', `The page is larger than ${Math.round(options.maxBytes / 1024)} KB.`));
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ contentType, body: decode(Buffer.concat(chunks), response.headers['content-type'] ?? '') });
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
