import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type WebhookTarget, checkedAddress, parseWebhookUrl } from './webhook-url.js';

/** Every address a host resolves to; replaced in tests to stand for a DNS answer. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => {
  if (isIP(host) !== 0) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    // A name that does not resolve is refused as such by checkedAddress.
    return [];
  }
};

export interface ResolvedTarget extends WebhookTarget {
  /** The address checked, which the connection must go to: a second lookup could answer otherwise (DNS rebinding). */
  address: string;
}

/** The URL checked by its rules and its host's addresses; throws VALIDATION when refused. Done at creation and again before every attempt. */
export const resolveTarget = async (text: string, allowHosts: readonly string[], resolve: Resolver): Promise<ResolvedTarget> => {
  const target = parseWebhookUrl(text, allowHosts);
  return { ...target, address: checkedAddress(target, await resolve(target.host)) };
};
