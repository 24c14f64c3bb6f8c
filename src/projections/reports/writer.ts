import type pg from 'pg';
import { EVENT_COUNTERS, type Known, type ReportBatch, SESSION_COUNTERS } from './batch.js';
import { Tally } from './tally.js';

/** The reports read model's SQL: reads what a batch touches, then writes its rows and counter changes, one statement per table. */

export const readKnown = async (
  client: pg.PoolClient,
  s: string,
  touched: { registrations: readonly [string, string][]; createdEvents: readonly string[] },
): Promise<Known> => {
  const keys = [touched.registrations.map(([eventId]) => eventId), touched.registrations.map(([, registrationId]) => registrationId)];
  const touching = `(event_id, registration_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`;
  const none = { rows: [] };
  const registrations = keys[0]!.length === 0 ? none : await client.query(`SELECT * FROM ${s}.registrations WHERE ${touching}`, keys);
  const attendances = keys[0]!.length === 0 ? none : await client.query(`SELECT * FROM ${s}.attendances WHERE ${touching}`, keys);
  const events =
    touched.createdEvents.length === 0 ? none : await client.query(`SELECT event_id FROM ${s}.events WHERE event_id = ANY ($1::uuid[])`, [touched.createdEvents]);
  return {
    registrations: registrations.rows.map((row) => ({
      eventId: row.event_id,
      registrationId: row.registration_id,
      attendeeId: row.attendee_id,
      status: row.status,
      submittedAt: row.submitted_at,
      confirmedAt: row.confirmed_at,
      presentSessions: row.present_sessions,
      doorEvents: row.door_events,
    })),
    attendances: attendances.rows.map((row) => ({
      eventId: row.event_id,
      registrationId: row.registration_id,
      sessionId: row.session_id,
      present: row.present,
      checkedInAt: row.checked_in_at,
    })),
    events: events.rows.map((row: { event_id: string }) => row.event_id),
  };
};

/** INSERT ... SELECT FROM unnest(...): one statement for any number of rows. */
const insertRows = async (client: pg.PoolClient, table: string, columns: readonly string[], types: readonly string[], rows: readonly unknown[][], tail: string) => {
  if (rows.length === 0) return;
  const arrays = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays}) ${tail}`, columns.map((_, i) => rows.map((row) => row[i])));
};

/** Adds a tally to rows that exist (an event's or a session's); changes to rows the table lacks are dropped, as their facts are. */
const addToRows = async <C extends string>(client: pg.PoolClient, table: string, keys: readonly [string, string][], counters: readonly C[], tally: Tally<C>) => {
  const rows = tally.rows(counters);
  if (rows.length === 0) return;
  const columns = [...keys.map(([name]) => name), ...counters];
  const types = [...keys.map(([, type]) => type), ...counters.map(() => 'int')];
  await client.query(
    `UPDATE ${table} t SET ${counters.map((c) => `${c} = t.${c} + d.${c}`).join(', ')}
       FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) AS d(${columns.join(', ')})
      WHERE ${keys.map(([name]) => `t.${name} = d.${name}`).join(' AND ')}`,
    columns.map((_, i) => rows.map((row) => [...row.key, ...row.counts][i])),
  );
};

/** Adds a one-counter tally to rows made as needed, and removes those it brings to zero: a rebuild that never made them must match. */
const addToCounts = async (client: pg.PoolClient, table: string, keys: readonly [string, string][], counter: string, tally: Tally<string>) => {
  const rows = tally.rows([counter]).map((row) => [...row.key, ...row.counts]);
  const names = keys.map(([name]) => name);
  await insertRows(client, table, [...names, counter], [...keys.map(([, type]) => type), 'int'], rows, `ON CONFLICT (${names.join(', ')}) DO UPDATE SET ${counter} = ${table}.${counter} + excluded.${counter}`);
  // Only what a batch takes away can come to zero.
  const lowered = rows.filter((row) => (row.at(-1) as number) < 0);
  if (lowered.length > 0)
    await client.query(
      `DELETE FROM ${table} WHERE ${counter} = 0 AND (${names.join(', ')}) IN (SELECT * FROM unnest(${keys.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}))`,
      names.map((_, i) => lowered.map((row) => row[i])),
    );
};

const EVENT_COLUMNS = ['event_id', 'organizer_id', 'title', 'time_zone', 'status'] as const;

/** Sets each event's start to its first session's; returns those whose start moved, as their attendees' lists must. */
const moveStarts = async (client: pg.PoolClient, s: string, eventIds: readonly string[]): Promise<string[]> => {
  if (eventIds.length === 0) return [];
  const { rows } = await client.query<{ event_id: string }>(
    `UPDATE ${s}.events e SET starts_at = k.starts_at
       FROM (SELECT t.event_id, (SELECT min(x.starts_at) FROM ${s}.sessions x WHERE x.event_id = t.event_id) AS starts_at FROM unnest($1::uuid[]) AS t(event_id)) k
      WHERE e.event_id = k.event_id AND e.starts_at IS DISTINCT FROM k.starts_at
     RETURNING e.event_id`,
    [eventIds],
  );
  return rows.map((row) => row.event_id);
};

export const writeChanges = async (client: pg.PoolClient, s: string, batch: ReportBatch): Promise<void> => {
  // Patches first: those of events this batch creates are in their new rows already.
  for (const [eventId, patch] of batch.eventPatches) {
    const columns = Object.keys(patch) as (keyof typeof patch)[];
    await client.query(`UPDATE ${s}.events SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE event_id = $1`, [eventId, ...columns.map((c) => patch[c])]);
  }
  await insertRows(client, `${s}.events`, EVENT_COLUMNS, ['uuid', 'text', 'text', 'text', 'text'], [...batch.newEvents.values()].map((row) => EVENT_COLUMNS.map((c) => row[c])), 'ON CONFLICT DO NOTHING');
  const sessions = [...batch.sessions.values()];
  await insertRows(
    client,
    `${s}.sessions`,
    ['event_id', 'session_id', 'starts_at', 'ends_at'],
    ['uuid', 'uuid', 'timestamptz', 'timestamptz'],
    sessions.map((x) => [x.eventId, x.sessionId, x.startsAt, x.endsAt]),
    // A session scheduled again in a later batch: the first schedule stands.
    'ON CONFLICT DO NOTHING',
  );
  const rescheduled = await moveStarts(client, s, [...new Set([...sessions.map((x) => x.eventId), ...batch.newEvents.keys()])]);
  await insertRows(
    client,
    `${s}.registrations`,
    ['event_id', 'registration_id', 'attendee_id', 'status', 'submitted_at', 'confirmed_at', 'present_sessions', 'door_events'],
    ['uuid', 'uuid', 'text', 'text', 'timestamptz', 'timestamptz', 'int', 'int'],
    batch.dirtyRegistrations().map((r) => [r.eventId, r.registrationId, r.attendeeId, r.status, r.submittedAt, r.confirmedAt, r.presentSessions, r.doorEvents]),
    `ON CONFLICT (event_id, registration_id) DO UPDATE SET status = excluded.status, submitted_at = excluded.submitted_at, confirmed_at = excluded.confirmed_at,
       present_sessions = excluded.present_sessions, door_events = excluded.door_events`,
  );
  await insertRows(
    client,
    `${s}.attendances`,
    ['event_id', 'registration_id', 'session_id', 'present', 'checked_in_at'],
    ['uuid', 'uuid', 'uuid', 'boolean', 'timestamptz'],
    batch.dirtyAttendances().map((a) => [a.eventId, a.registrationId, a.sessionId, a.present, a.checkedInAt]),
    'ON CONFLICT (event_id, registration_id, session_id) DO UPDATE SET present = excluded.present, checked_in_at = excluded.checked_in_at',
  );
  const approvals = [...batch.approvals.values()];
  await insertRows(
    client,
    `${s}.approvals`,
    ['event_id', 'registration_id', 'seconds'],
    ['uuid', 'uuid', 'float8'],
    approvals.map((a) => [a.eventId, a.registrationId, a.seconds]),
    'ON CONFLICT (event_id, registration_id) DO UPDATE SET seconds = excluded.seconds',
  );
  const counters = batch.counterChanges();
  await addToRows(client, `${s}.events`, [['event_id', 'uuid']], EVENT_COUNTERS, counters.events);
  await addToRows(client, `${s}.sessions`, [['event_id', 'uuid'], ['session_id', 'uuid']], SESSION_COUNTERS, counters.sessions);
  const bySession: [string, string][] = [['event_id', 'uuid'], ['session_id', 'uuid']];
  await addToCounts(client, `${s}.arrivals`, [...bySession, ['five_minutes', 'timestamptz']], 'check_ins', counters.arrivals);
  await addToCounts(client, `${s}.refusals`, [...bySession, ['reason', 'text']], 'scans', batch.refusals);
  const byQuarterHour: [string, string][] = [['event_id', 'uuid'], ['quarter_hour', 'timestamptz']];
  await addToCounts(client, `${s}.registration_times`, byQuarterHour, 'registrations', batch.registrationTimes);
  await addToCounts(client, `${s}.confirmation_times`, byQuarterHour, 'confirmed', counters.confirmations);
  await addToCounts(client, `${s}.event_attendees`, [['event_id', 'uuid'], ['attendee_id', 'text']], 'present_registrations', counters.attendees);
  await recountOrganizerAttendees(client, s, counters.attendees.rows(['present_registrations']).map((row) => row.key), rescheduled);
};

/**
 * Lists again, from event_attendees, when each event of their organizer that a touched attendee
 * came to starts, and moves the organizers' counts of attendees by the rows this makes or
 * removes. Touched: the attendees of `attendances` (event and attendee ids) and every attendee
 * of `events`, whose start moved. Listed rather than moved: whether an attendee came to an
 * event changes only when their count of registrations checked in there crosses zero, which a
 * change alone does not tell.
 */
export const recountOrganizerAttendees = async (client: pg.PoolClient, s: string, attendances: readonly string[][], events: readonly string[]): Promise<void> => {
  if (attendances.length === 0 && events.length === 0) return;
  // Every part reads the tables as they were before the statement: `counted` knows which rows it makes and which it removes.
  const { rows } = await client.query<{ organizer_id: string; attendees: number }>(
    `WITH touched AS (
       SELECT DISTINCT e.organizer_id, t.attendee_id
         FROM (SELECT * FROM unnest($1::uuid[], $2::text[]) UNION ALL SELECT event_id, attendee_id FROM ${s}.event_attendees WHERE event_id = ANY ($3::uuid[])) AS t(event_id, attendee_id)
         JOIN ${s}.events e ON e.event_id = t.event_id WHERE e.organizer_id IS NOT NULL
     ), counted AS (
       SELECT t.organizer_id, t.attendee_id,
              (SELECT array_agg(e.starts_at ORDER BY e.starts_at) FROM ${s}.event_attendees a JOIN ${s}.events e ON e.event_id = a.event_id
                WHERE a.attendee_id = t.attendee_id AND e.organizer_id = t.organizer_id AND e.starts_at IS NOT NULL) AS starts,
              EXISTS (SELECT FROM ${s}.organizer_attendees o WHERE o.organizer_id = t.organizer_id AND o.attendee_id = t.attendee_id) AS listed
         FROM touched t
     ), kept AS (
       INSERT INTO ${s}.organizer_attendees (organizer_id, attendee_id, starts) SELECT organizer_id, attendee_id, starts FROM counted WHERE starts IS NOT NULL
       ON CONFLICT (organizer_id, attendee_id) DO UPDATE SET starts = excluded.starts WHERE ${s}.organizer_attendees.starts <> excluded.starts
     ), dropped AS (
       DELETE FROM ${s}.organizer_attendees o USING counted c WHERE o.organizer_id = c.organizer_id AND o.attendee_id = c.attendee_id AND c.starts IS NULL
     )
     SELECT organizer_id, sum((starts IS NOT NULL)::int - listed::int)::int AS attendees FROM counted GROUP BY organizer_id`,
    [attendances.map(([eventId]) => eventId), attendances.map(([, attendeeId]) => attendeeId), events],
  );
  const attendees = new Tally<'attendees'>();
  for (const row of rows) attendees.add([row.organizer_id], 'attendees', row.attendees);
  await addToCounts(client, `${s}.organizers`, [['organizer_id', 'text']], 'attendees', attendees);
};
