/**
 * bench:hot-event-memory: what the command side keeps in memory for one hot event.
 * HOT_EVENT_REGISTRATIONS people (default 100,000) register for one event (10,000 seats and a
 * waiting list) through EventCommands, a thousand at a time, on the in-memory store; then the
 * handler is dropped and the heap measured again after full collections, so the difference is
 * what the handler held (the store's own copy of the events is not counted). Also times a
 * resend of the registration 2,000 before the last, whose answer is by then read back from the
 * stream. Last line: one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CommandHandler } from '../src/commands/command-handler.js';
import { EventCommands } from '../src/commands/event-commands.js';
import { commandRequest } from '../src/commands/request.js';
import type { Actor } from '../src/domain/actor.js';
import { MemoryEventStore } from '../src/eventstore/memory/memory-event-store.js';
import { freshTicketCodes } from '../test/ticket-keys.js';

const REGISTRATIONS = Number(process.env.HOT_EVENT_REGISTRATIONS ?? 100_000);
const SEATS = 10_000;
const DAY = 86_400_000;
/** The registration resent: far enough back that its answer is no longer in memory, near the end so that most of the stream is read. */
const RESENT = Math.max(0, REGISTRATIONS - 2_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const store = new MemoryEventStore();
let events: EventCommands | undefined = new EventCommands(new CommandHandler(store), await freshTicketCodes());
const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const at = Date.now();
const { eventId } = await events.createEvent(commandRequest(organizer, undefined), {
  capacity: SEATS,
  details: {
    title: 'On sale',
    description: '',
    venue: 'Hall A',
    timeZone: 'Europe/Warsaw',
    registrationOpensAt: new Date(at - DAY).toISOString(),
    registrationClosesAt: new Date(at + DAY).toISOString(),
    requiresApproval: false,
    faceVerification: 'off',
  },
});
await events.scheduleSessions(commandRequest(organizer, undefined), eventId, { startsAt: new Date(at + 2 * DAY).toISOString(), endsAt: new Date(at + 2 * DAY + DAY / 12).toISOString() });
await events.publishEvent(commandRequest(organizer, undefined), eventId);
const attendees: Actor[] = Array.from({ length: REGISTRATIONS }, () => ({ accountId: randomUUID(), roles: ['attendee'] }));
const requests = attendees.map((actor) => commandRequest(actor, undefined));

const started = performance.now();
for (let i = 0; i < REGISTRATIONS; i += 1_000) await Promise.all(requests.slice(i, i + 1_000).map((request) => events!.register(request, eventId)));
const seconds = (performance.now() - started) / 1_000;
const resending = performance.now();
// Only the status, in a function of its own: the answer's ticket signs its code on demand through
// EventCommands, and a value awaited at the top level stays in the module's suspended frame.
const statusOfResend = async (commands: EventCommands) => (await commands.register(requests[RESENT]!, eventId)).status;
const resentStatus = await statusOfResend(events);
const resendMs = performance.now() - resending;
const held = heapUsed();
events = undefined;
const handlerBytes = held - heapUsed();

console.log(`${REGISTRATIONS.toLocaleString('en')} registrations for one event in ${seconds.toFixed(1)} s; the command side holds ${(handlerBytes / 2 ** 20).toFixed(1)} MB for them, ${Math.round(handlerBytes / REGISTRATIONS)} bytes each`);
console.log(`A resend of registration ${(RESENT + 1).toLocaleString('en')} (${resentStatus}), answered from the stream: ${resendMs.toFixed(0)} ms`);
console.log(
  JSON.stringify({
    benchmark: 'hot-event-memory',
    registrations: REGISTRATIONS,
    registrations_per_s: Math.round(REGISTRATIONS / seconds),
    handler_mb: Number((handlerBytes / 2 ** 20).toFixed(1)),
    handler_bytes_per_registration: Math.round(handlerBytes / REGISTRATIONS),
    resend_from_stream_ms: Number(resendMs.toFixed(1)),
  }),
);
