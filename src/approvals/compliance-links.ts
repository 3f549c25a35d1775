/** Links and hashtags in a post, found the way the networks find them. */
import { domainToASCII } from 'node:url';
import LinkifyIt from 'linkify-it';
import twitterText from 'twitter-text';
import { visibleText } from './compliance-text.ts';

// Bare domains count ("buy at example.com" is a link on most networks); e-mail addresses do not.
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true });

/**
 * A domain as compared: ASCII (punycode for IDN), lower case, no trailing dot, no "www." prefix
 * handling needed because subdomains match anyway. Accepts a URL or a bare host. Empty if invalid.
 */
export function normaliseDomain(input: string): string {
  let host = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      return '';
    }
  }
  host = host.replace(/[/?#].*$/, '').replace(/:\d+$/, '').replace(/^\*\./, '').replace(/\.+$/, '');
  return domainToASCII(host.normalize('NFKC').toLowerCase());
}

/** The host of every link in the text, with the link as written. Invisible characters do not hide a link. */
export function findHosts(text: string): { host: string; raw: string }[] {
  const hosts: { host: string; raw: string }[] = [];
  for (const match of linkify.match(visibleText(text)) ?? []) {
    let hostname: string;
    try {
      hostname = new URL(match.url).hostname;
    } catch {
      continue;
    }
    const host = normaliseDomain(hostname);
    if (host) hosts.push({ host, raw: match.raw });
  }
  return hosts;
}

/** The host is the domain or one of its subdomains. */
export const hostMatches = (host: string, domain: string): boolean => {
  const d = normaliseDomain(domain);
  return d !== '' && (host === d || host.endsWith(`.${d}`));
};

/** Hashtags as X/Twitter's reference extractor finds them ("#ad", not "x#ad", not "#123"). */
export const findHashtags = (text: string): string[] => twitterText.extractHashtags(visibleText(text));
