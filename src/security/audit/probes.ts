import { accountProbes } from './accounts.probes.js';
import { authorizationProbes } from './authorization.probes.js';
import { badInputProbes } from './bad-input.probes.js';
import type { Exchange } from './http-client.js';
import { type Probe, ProbeFailure } from './probe.js';
import { ticketProbes } from './tickets.probes.js';
import { keyProbes, tokenProbes } from './tokens.probes.js';

/** Rules that hold for every answer, so they are checked over everything the run sent, set-up included. */
const wholeRun: Probe = {
  area: 'whole run',
  name: 'no answer of the whole run was a 5xx, every 4xx came as JSON, and none showed a stack trace',
  run: async ({ client }) => {
    const broken: [string, Exchange[]][] = [
      ['5xx answers', client.serverErrors],
      ['4xx answers that are not JSON', client.refusalsNotInJson],
      ['answers showing a stack trace', client.internalsShown],
    ];
    const found = broken.filter(([, exchanges]) => exchanges.length > 0);
    if (found.length)
      throw new ProbeFailure(
        `expected none; found ${found.map(([what, exchanges]) => `${exchanges.length} ${what}`).join(', ')} in ${client.requests} requests`,
        found.flatMap(([, exchanges]) => exchanges.slice(0, 5)),
      );
    return `${client.requests} requests`;
  },
};

/**
 * Every probe, in the order they run. The ticket probes scan the attendee's ticket before
 * anything else could check it in, and the whole-run check comes last, once everything it
 * judges has been sent.
 */
export const PROBES: Probe[] = [...keyProbes, ...tokenProbes, ...ticketProbes, ...authorizationProbes, ...badInputProbes, ...accountProbes, wholeRun];
