import type pg from 'pg';
import { ERASED } from '../../domain/personal-data.js';
import type { AttendanceChanges, Known } from './batch-changes.js';

/** The attendance read model's SQL: reads what a batch touches, then writes its changes with one statement per table. */

/** What the tables in `s` hold of the rows a batch touches (changes.ts `touchedBy`). */
export const readKnown = async (
  client: pg.PoolClient,
  s: string,
  touched: { registrations: readonly [string, string][]; createdEvents: readonly string[] },
): Promise<Known> => {
  const known: { registrations: Known['registrations'][number][]; events: string[] } = { registrations: [], events: [] };
  if (touched.registrations.length > 0) {
    const { rows } = await client.query(
      `SELECT r.* FROM ${s}.registrations r JOIN unnest($1::uuid[], $2::uuid[]) AS k(event_id, registration_id) USING (event_id, registration_id)`,
      [touched.registrations.map(([eventId]) => eventId), touched.registrations.map(([, registrationId]) => registrationId)],
    );
    for (const row of rows)
      known.registrations.push({
        registrationId: row.registration_id,
        eventId: row.event_id,
        attendeeId: row.attendee_id,
        status: row.status,
        ticketVersion: row.ticket_version,
        registeredPosition: row.registered_position,
        registeredAt: row.registered_at,
        updatedAt: row.updated_at,
        confirmedAt: row.confirmed_at,
        confirmedVia: row.confirmed_via,
        note: row.note,
        updatedPosition: row.updated_position,
      });
  }
  if (touched.createdEvents.length > 0) {
    const { rows } = await client.query<{ event_id: string }>(`SELECT event_id FROM ${s}.events WHERE event_id = ANY ($1::uuid[])`, [touched.createdEvents]);
    known.events.push(...rows.map((row) => row.event_id));
  }
  return known;
};

const EVENT_COLUMNS = [
  ['event_id', 'uuid'],
  ['organizer_id', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['venue', 'text'],
  ['time_zone', 'text'],
  ['status', 'text'],
  ['capacity', 'int'],
  ['requires_approval', 'boolean'],
  ['face_verification', 'text'],
  ['registration_opens_at', 'timestamptz'],
  ['registration_closes_at', 'timestamptz'],
  ['created_position', 'bigint'],
  ['updated_at', 'timestamptz'],
] as const;

/** INSERT ... SELECT FROM unnest(...): one statement for any number of rows. */
const insertRows = async (client: pg.PoolClient, table: string, columns: readonly (readonly [string, string])[], rows: unknown[][], tail = '') => {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays}) ${tail}`, columns.map((_, i) => rows.map((row) => row[i])));
};

export const writeChanges = async (client: pg.PoolClient, s: string, changes: AttendanceChanges): Promise<void> => {
  await insertRows(
    client,
    `${s}.events`,
    EVENT_COLUMNS,
    [...changes.newEvents.values()].map((row) => EVENT_COLUMNS.map(([name]) => row[name])),
  );
  for (const [eventId, patch] of changes.eventPatches) {
    const columns = Object.keys(patch);
    await client.query(`UPDATE ${s}.events SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE event_id = $1`, [
      eventId,
      ...columns.map((c) => patch[c]),
    ]);
  }
  if (changes.counters.size > 0) {
    const counters = [...changes.counters];
    await client.query(
      `UPDATE ${s}.events e SET confirmed = e.confirmed + d.confirmed, pending = e.pending + d.pending, waitlisted = e.waitlisted + d.waitlisted,
              updated_at = GREATEST(e.updated_at, d.at), updated_position = d.position
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::timestamptz[], $6::bigint[]) AS d(event_id, confirmed, pending, waitlisted, at, position)
        WHERE e.event_id = d.event_id`,
      [
        counters.map(([id]) => id),
        counters.map(([, c]) => c.confirmed),
        counters.map(([, c]) => c.pending),
        counters.map(([, c]) => c.waitlisted),
        counters.map(([, c]) => c.at),
        counters.map(([, c]) => c.position),
      ],
    );
  }
  await insertRows(
    client,
    `${s}.sessions`,
    [
      ['event_id', 'uuid'],
      ['session_id', 'uuid'],
      ['starts_at', 'timestamptz'],
      ['ends_at', 'timestamptz'],
      ['check_in_opens_at', 'timestamptz'],
      ['check_in_closes_at', 'timestamptz'],
    ],
    [...changes.sessions.values()].map((x) => [x.eventId, x.sessionId, x.startsAt, x.endsAt, x.checkInOpensAt, x.checkInClosesAt]),
    // A session scheduled again in a later batch: the first schedule stands.
    'ON CONFLICT DO NOTHING',
  );
  await insertRows(client, `${s}.staff`, [['event_id', 'uuid'], ['staff_id', 'text']], changes.staff, 'ON CONFLICT DO NOTHING');
  const dirty = [...changes.registrations.values()].filter((row) => row.dirty);
  await insertRows(
    client,
    `${s}.registrations`,
    [
      ['event_id', 'uuid'],
      ['registration_id', 'uuid'],
      ['attendee_id', 'text'],
      ['status', 'text'],
      ['ticket_version', 'int'],
      ['registered_position', 'bigint'],
      ['registered_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
      ['confirmed_at', 'timestamptz'],
      ['confirmed_via', 'text'],
      ['note', 'text'],
      ['updated_position', 'bigint'],
    ],
    dirty.map((r) => [r.eventId, r.registrationId, r.attendeeId, r.status, r.ticketVersion, r.registeredPosition, r.registeredAt, r.updatedAt, r.confirmedAt, r.confirmedVia, r.note, r.updatedPosition]),
    `ON CONFLICT (event_id, registration_id) DO UPDATE SET status = excluded.status, ticket_version = excluded.ticket_version, updated_at = excluded.updated_at,
       confirmed_at = excluded.confirmed_at, confirmed_via = excluded.confirmed_via, note = excluded.note, updated_position = excluded.updated_position`,
  );
  // After the upsert, so that a note written earlier in the same batch is erased too.
  if (changes.erasedAttendees.length > 0)
    await client.query(`UPDATE ${s}.registrations SET note = $2 WHERE attendee_id = ANY ($1::text[]) AND note IS NOT NULL`, [changes.erasedAttendees, ERASED]);
  await insertRows(
    client,
    `${s}.check_ins`,
    [
      ['position', 'bigint'],
      ['prepare_position', 'bigint'],
      ['event_id', 'uuid'],
      ['session_id', 'uuid'],
      ['registration_id', 'uuid'],
      ['attendee_id', 'text'],
      ['staff_id', 'text'],
      ['kind', 'text'],
      ['result', 'text'],
      ['reason', 'text'],
      ['at', 'timestamptz'],
      ['device_id', 'text'],
      ['scanned_at', 'timestamptz'],
      ['offline', 'boolean'],
      ['offline_conflict', 'boolean'],
    ],
    changes.checkIns,
  );
  await insertRows(
    client,
    `${s}.scanner_devices`,
    [
      ['event_id', 'uuid'],
      ['device_id', 'uuid'],
      ['name', 'text'],
      ['registered_by', 'text'],
      ['registered_at', 'timestamptz'],
    ],
    changes.devicesRegistered,
    'ON CONFLICT DO NOTHING',
  );
  if (changes.devicesRevoked.length > 0)
    await client.query(
      `UPDATE ${s}.scanner_devices x SET revoked_at = d.at FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS d(event_id, device_id, at)
        WHERE x.event_id = d.event_id AND x.device_id = d.device_id`,
      [changes.devicesRevoked.map(([eventId]) => eventId), changes.devicesRevoked.map(([, deviceId]) => deviceId), changes.devicesRevoked.map(([, , at]) => at)],
    );
  if (changes.sessionCounts.size > 0) {
    const counts = [...changes.sessionCounts.values()];
    await client.query(
      `UPDATE ${s}.sessions x SET checked_in = x.checked_in + d.delta, updated_position = d.position
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::bigint[]) AS d(event_id, session_id, delta, position)
        WHERE x.event_id = d.event_id AND x.session_id = d.session_id`,
      [counts.map((c) => c.eventId), counts.map((c) => c.sessionId), counts.map((c) => c.delta), counts.map((c) => c.position)],
    );
  }
};
