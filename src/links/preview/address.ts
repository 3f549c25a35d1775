/**
 * Which addresses a link preview may connect to. A preview fetch runs on the server with the
 * server's network position, so a URL naming (or resolving to) an internal address would let
 * anyone with a composer probe the private network or a cloud metadata service.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** True for addresses on the public internet: ipaddr.js calls them `unicast`. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1 in disguise.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export class BlockedAddress extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`${host} is a private or local address (${address}); link previews only fetch public sites.`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses non-public answers. Checking the address the socket
 * actually connects to (not a separate resolution before) leaves no window for DNS rebinding.
 */
export function guardedLookup(isAllowed: (address: string) => boolean) {
  return (hostname: string, options: { all?: boolean } & Record<string, unknown>, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '', undefined);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !isAllowed(a.address));
      if (bad) return callback(new BlockedAddress(hostname, bad.address), options.all ? [] : '', undefined);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', undefined);
      callback(null, first.address, first.family);
    });
  };
}

/** IP literals never reach `lookup`, so they are checked on their own. */
export function assertLiteralAllowed(hostname: string, isAllowed: (address: string) => boolean): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) && !isAllowed(bare)) throw new BlockedAddress(hostname, bare);
}
