import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { APPROVE_REGISTRATION, CHECK_IN, REGISTER, REISSUE_TICKET, TICKET } from './documents.js';
import type { GraphqlAnswer } from './http-client.js';
import { type Probe, expectField, expectThat } from './probe.js';
import { publishedKey } from './tokens.probes.js';
import { type EventUnderTest, type Person, type World, currentTicketCode } from './world.js';

/** A scan at `event`'s door by `staff`: the result the person at the door would see, or the refusal. */
const scan = async (world: World, staff: Person, event: EventUnderTest, code: string) => {
  const answer = await world.client.graphql(CHECK_IN, { eventId: event.eventId, sessionId: event.sessionId, code }, staff.accessToken);
  const result = (answer.data?.checkIn as { result?: string } | null | undefined)?.result;
  return { answer, result };
};

/** A scan that must not let anyone in: answered with one of `results`, or refused with a 4xx. */
const expectTurnedAway = async (world: World, staff: Person, event: EventUnderTest, code: string, results: string[], what: string) => {
  const { answer, result } = await scan(world, staff, event, code);
  const refused = answer.status >= 400 && answer.status < 500;
  expectThat(refused || (result !== undefined && results.includes(result)), `expected ${what} to be ${results.join(' or ')} (or refused), got ${result ?? 'no result'}`, answer);
  return result ?? `refused ${answer.status}`;
};

/** `code` with the character at `index` replaced by another base64url one. */
export const flipAt = (code: string, index: number): string => `${code.slice(0, index)}${code[index] === 'A' ? 'B' : 'A'}${code.slice(index + 1)}`;

/** The claims a ticket code carries (src/commands/tickets/ticket-codes.ts documents them), for the attendee's ticket. */
const ticketClaims = (world: World) => ({ tid: world.ticket.ticketId, eid: world.eventA.eventId, aid: world.attendee.accountId, ver: 1 });

const ticketCodeIn = (answer: GraphqlAnswer, field: string): string | null | undefined =>
  (answer.data?.[field] as { ticket?: { code?: string | null } | null } | null | undefined)?.ticket?.code;

export const ticketProbes: Probe[] = [
  {
    area: 'tickets',
    name: 'a ticket code with one character flipped (payload or signature) is checked in as invalid',
    run: async (world) => {
      const code = await currentTicketCode(world);
      const [header, payload] = code.split('.');
      const inPayload = header!.length + 1 + Math.floor(payload!.length / 2);
      const inSignature = code.length - 20;
      for (const flipped of [flipAt(code, inPayload), flipAt(code, inSignature)])
        await expectTurnedAway(world, world.staffA, world.eventA, flipped, ['invalid'], 'a flipped code');
    },
  },
  {
    area: 'tickets',
    name: 'forged ticket codes (a foreign key under the ticket kid, alg none, an access token) are checked in as invalid',
    run: async (world) => {
      const { privateKey } = await generateKeyPair('Ed25519');
      const signed = (token: SignJWT) => token.setIssuer('rollcall').setAudience('rollcall-ticket').setIssuedAt();
      const foreign = await signed(new SignJWT(ticketClaims(world)))
        .setProtectedHeader({ alg: 'EdDSA', kid: (await publishedKey(world.client, 'ticket')).kid!, typ: 'rollcall-ticket+jwt' })
        .sign(privateKey);
      const unsigned = new UnsecuredJWT(ticketClaims(world)).setIssuer('rollcall').setAudience('rollcall-ticket').encode();
      // Signed with the access-token key: genuine Rollcall signature, wrong purpose.
      const accessToken = world.attendee.accessToken;
      for (const [what, code] of [['a foreign-key code', foreign], ['an alg:none code', unsigned], ['an access token', accessToken]] as const)
        await expectTurnedAway(world, world.staffA, world.eventA, code, ['invalid'], what);
    },
  },
  {
    area: 'tickets',
    name: "a ticket for event A scanned at event B's door is turned away",
    run: async (world) => `result: ${await expectTurnedAway(world, world.staffB, world.eventB, await currentTicketCode(world), ['wrong_event', 'invalid'], 'a ticket of another event')}`,
  },
  {
    area: 'tickets',
    name: 'a ticket scanned twice at one session is ok, then already_redeemed',
    run: async (world) => {
      const code = await currentTicketCode(world);
      const first = await scan(world, world.staffA, world.eventA, code);
      expectThat(first.result === 'ok', `expected the first scan ok, got ${first.result}`, first.answer);
      const second = await scan(world, world.staffA, world.eventA, code);
      expectThat(second.result === 'already_redeemed', `expected the second scan already_redeemed, got ${second.result}`, second.answer);
    },
  },
  {
    area: 'tickets',
    name: 'after reissueTicket the previous code is turned away as revoked',
    run: async (world) => {
      const old = await currentTicketCode(world);
      expectField(await world.client.graphql(REISSUE_TICKET, { eventId: world.eventA.eventId, registrationId: world.ticket.registrationId }, world.attendee.accessToken), 'reissueTicket');
      await expectTurnedAway(world, world.staffA, world.eventA, old, ['revoked'], 'the superseded code');
    },
  },
  {
    area: 'tickets',
    name: "the ticket query shows the code to its holder only: organizer, staff and admin get it without",
    run: async (world) => {
      for (const viewer of [world.organizerA, world.staffA, world.admin]) {
        const answer = await world.client.graphql(TICKET, { ticketId: world.ticket.ticketId }, viewer.accessToken);
        expectThat(expectField<{ code: string | null }>(answer, 'ticket').code === null, 'expected the ticket without its code', answer);
      }
    },
  },
  {
    area: 'tickets',
    name: "the organizer's approveRegistration and reissueTicket answers carry no ticket code (only its holder sees it)",
    run: async (world) => {
      const registered = await world.client.graphql(REGISTER, { eventId: world.eventA.eventId }, world.toErase.accessToken);
      const { registrationId } = expectField<{ registrationId: string }>(registered, 'register');
      const ids = { eventId: world.eventA.eventId, registrationId };
      const leaked: GraphqlAnswer[] = [];
      for (const [field, document] of [
        ['approveRegistration', APPROVE_REGISTRATION],
        ['reissueTicket', REISSUE_TICKET],
      ] as const) {
        const answer = await world.client.graphql(document, ids, world.organizerA.accessToken);
        expectField(answer, field);
        if (ticketCodeIn(answer, field)) leaked.push(answer);
      }
      expectThat(leaked.length === 0, `expected no ticket code in the organizer's answers; ${leaked.length} of 2 carry the attendee's live code`, ...leaked);
    },
  },
  {
    area: 'tickets',
    name: "a ticket's QR image goes to its holder only (no-store); others get 403, anonymous 401, in JSON",
    run: async (world) => {
      const path = `/tickets/${world.ticket.ticketId}/qr.png`;
      const get = (person?: Person) => world.client.send({ path, headers: person ? { authorization: `Bearer ${person.accessToken}` } : {} });
      const holder = await get(world.attendee);
      expectThat(holder.status === 200 && holder.contentType === 'image/png' && /no-store/.test(holder.responseHeaders['cache-control'] ?? ''), 'expected 200 image/png with cache-control: no-store for the holder', holder);
      for (const [person, status, code] of [
        [world.otherAttendee, 403, 'FORBIDDEN'],
        [world.organizerA, 403, 'FORBIDDEN'],
        [undefined, 401, 'UNAUTHENTICATED'],
      ] as const) {
        const answer = await get(person);
        expectThat(answer.status === status && (answer.json as { code?: string } | undefined)?.code === code, `expected ${status} ${code} in JSON`, answer);
      }
    },
  },
];
