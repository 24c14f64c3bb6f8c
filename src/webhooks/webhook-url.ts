import { BlockList, isIP } from 'node:net';
import { DomainError } from '../domain/domain-error.js';

/**
 * Where a webhook may point (pure: addresses come in resolved). Only https, except to hosts
 * WEBHOOK_ALLOW_HOSTS names (a receiver on the operator's own network, tests on 127.0.0.1);
 * and never, otherwise, to an address inside a network: a URL that resolves to loopback, a
 * private range or link-local (cloud metadata at 169.254.169.254) would let a caller make
 * Rollcall probe what only it can reach.
 */

export const MAX_URL_LENGTH = 2_000;

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), which is where it really goes. */
const embeddedIpv4 = (address: string): string | undefined => {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const [high, low] = [parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
};

/** Whether `address` (an IP) is one a webhook may be delivered to without WEBHOOK_ALLOW_HOSTS. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return !INTERNAL.check(v4, 'ipv4');
  }
  return !INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/** A webhook URL that passed the rules that need no DNS. */
export interface WebhookTarget {
  url: URL;
  /** The host as DNS or the socket takes it (IPv6 literals without brackets). */
  host: string;
  /** Named by WEBHOOK_ALLOW_HOSTS: plain http, and any address, are allowed. */
  allowed: boolean;
}

const refused = (problem: string): DomainError => new DomainError('VALIDATION', `url ${problem}`);

/** Hosts are compared as URLs spell them: lower case, IPv6 in brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export const parseWebhookUrl = (text: string, allowHosts: readonly string[]): WebhookTarget => {
  if (text.length > MAX_URL_LENGTH) throw refused(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused('is not a URL');
  }
  const host = hostOf(url);
  const allowed = allowHosts.includes(host.toLowerCase());
  if (url.protocol !== 'https:' && !(allowed && url.protocol === 'http:')) throw refused('must start with https://');
  // Credentials would be sent to the receiver and shown to everyone who may list the webhook.
  if (url.username || url.password) throw refused('must not hold a user name or password');
  if (url.hash) throw refused('must not hold a fragment');
  if (!allowed && isIP(host) !== 0 && !isPublicAddress(host)) throw refused('must not point to a private, loopback or link-local address');
  return { url, host, allowed };
};

/** The address to connect to: the first one DNS gave, once none of them is internal (a host that resolves to both is refused whole). */
export const checkedAddress = (target: WebhookTarget, addresses: readonly string[]): string => {
  if (addresses.length === 0) throw refused(`host ${target.host} does not resolve`);
  if (!target.allowed && !addresses.every(isPublicAddress)) throw refused(`host ${target.host} resolves to a private, loopback or link-local address`);
  return addresses[0]!;
};
