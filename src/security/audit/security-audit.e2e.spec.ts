import { afterAll, beforeAll, describe, it } from 'vitest';
import { LocalRollcall } from './audit-target.js';
import { PROBES } from './probes.js';
import { type World, buildWorld } from './world.js';

/**
 * `npm run audit:security` as a test: the same probes, one test each, against a Rollcall this
 * file starts as `npm start` would (see LocalRollcall), so CI runs every probe on every change.
 */
const local = new LocalRollcall();
let world: World;

// Two processes start (the admin CLI, then the server) and ten sign-ups wait for their mail.
beforeAll(async () => {
  world = await buildWorld(await local.start());
}, 180_000);
afterAll(() => local.stop());

describe('The security audit', () => {
  for (const probe of PROBES) it(`${probe.area}: ${probe.name}`, () => probe.run(world).then(() => undefined));
});
