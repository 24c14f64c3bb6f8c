import type pg from 'pg';
import { LIVE } from './tables.js';

/** The scanner devices registered for an event's doors, revoked ones included (a lost tablet is worth remembering). */

export interface ScannerDeviceView {
  deviceId: string;
  name: string | null;
  registeredBy: string | null;
  registeredAt: string;
  revokedAt: string | null;
}

export const eventScannerDevices = async (db: pg.Pool | pg.PoolClient, eventId: string): Promise<ScannerDeviceView[]> => {
  const { rows } = await db.query<{ device_id: string; name: string | null; registered_by: string | null; registered_at: Date; revoked_at: Date | null }>(
    `SELECT device_id, name, registered_by, registered_at, revoked_at FROM ${LIVE}.scanner_devices WHERE event_id = $1 ORDER BY registered_at, device_id`,
    [eventId],
  );
  return rows.map((row) => ({
    deviceId: row.device_id,
    name: row.name,
    registeredBy: row.registered_by,
    registeredAt: row.registered_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  }));
};
