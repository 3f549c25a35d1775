/**
 * Reads a page's card the way networks do: Open Graph first, then Twitter card tags, then the
 * document's <title> and description. Only the <head> matters, so parsing stops at </head>.
 */
import { Parser } from 'htmlparser2';

export interface LinkCard {
  url: string;
  title: string;
  description: string;
  image: string | null;
  siteName: string | null;
}

const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;

export function parseCard(html: string, pageUrl: string): LinkCard {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  let done = false;
  let canonical: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (done) return;
        if (name === 'title') inTitle = true;
        if (name === 'meta') {
          const key = (attrs.property ?? attrs.name ?? '').toLowerCase().trim();
          const content = attrs.content;
          // The first value wins, as with crawlers: og:image may repeat for alternatives.
          if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
        }
        if (name === 'link' && attrs.rel?.toLowerCase() === 'canonical' && attrs.href) canonical = attrs.href;
      },
      ontext(text) {
        if (inTitle && !done) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();

  const pick = (...keys: string[]) => keys.map((k) => meta.get(k)?.trim()).find((v) => v);
  const absolute = (value: string | undefined | null) => {
    if (!value) return null;
    try {
      const resolved = new URL(value, pageUrl);
      return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.toString() : null;
    } catch {
      return null;
    }
  };
  return {
    url: absolute(pick('og:url')) ?? absolute(canonical) ?? pageUrl,
    title: clip(pick('og:title', 'twitter:title') ?? title.replace(/\s+/g, ' ').trim(), MAX_TITLE),
    description: clip(pick('og:description', 'twitter:description', 'description') ?? '', MAX_DESCRIPTION),
    image: absolute(pick('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src')),
    siteName: pick('og:site_name') ?? null,
  };
}

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
