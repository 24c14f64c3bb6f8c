import type pg from 'pg';
import { openWith, sealWith } from '../security/master-key.js';
import { PersonErased, type PersonalDataKeys } from './personal-data-keys.js';

/**
 * How long a door photo waits for its verdict. The face verification reactor judges one in
 * well under a second; a photo still here after this means the reactor was down, and it
 * answers `photo_expired` when it comes back rather than judge a face from long ago.
 */
export const DOOR_PHOTO_TTL_SECONDS = 600;

/** Which held scan a photo belongs to: the check-in stream and the scan's id (its command id). */
export interface HeldScan {
  streamId: string;
  scanId: string;
}

const boundTo = ({ streamId, scanId }: HeldScan, attendeeId: string): string => `door-photo:${streamId}:${scanId}:${attendeeId}`;

/**
 * Where a door photo lives between the scan that held a ticket and the face verification
 * reactor's verdict: a row of `rollcall.door_photos`, sealed under the attendee's personal-data
 * key (not the staff member's: the photo is the attendee's personal data, and erasing them
 * erases it), keyed by the held scan. It never enters the event log or Kafka; the reactor
 * deletes it once judged, and the `door-photo-sweep` job deletes what was never judged after
 * DOOR_PHOTO_TTL_SECONDS. Nothing else reads or writes the table.
 */
export class DoorPhotos {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: PersonalDataKeys,
  ) {}

  /**
   * Keeps the photo for the scan; true when this call stored it, false when one was kept for
   * the scan already (a resent scan) or the attendee is erased (nothing may be kept of them).
   */
  async keep(scan: HeldScan, attendeeId: string, photo: Buffer): Promise<boolean> {
    let key: Buffer;
    try {
      key = await this.keys.keyFor(attendeeId);
    } catch (error) {
      if (error instanceof PersonErased) return false;
      throw error;
    }
    const { rowCount } = await this.pool.query(
      `INSERT INTO rollcall.door_photos (stream_id, scan_id, attendee_id, sealed) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [scan.streamId, scan.scanId, attendeeId, sealWith(key, photo, boundTo(scan, attendeeId))],
    );
    return rowCount === 1;
  }

  /** The scan's photo, if it is still kept, not older than the TTL, and its attendee's key still exists. */
  async open(scan: HeldScan): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ attendee_id: string; sealed: Buffer }>(
      `SELECT attendee_id, sealed FROM rollcall.door_photos
        WHERE stream_id = $1 AND scan_id = $2 AND taken_at > now() - make_interval(secs => $3)`,
      [scan.streamId, scan.scanId, DOOR_PHOTO_TTL_SECONDS],
    );
    const row = rows[0];
    if (!row) return undefined;
    const key = (await this.keys.lookup([row.attendee_id])).get(row.attendee_id);
    return key?.status === 'live' ? openWith(key.key, row.sealed, boundTo(scan, row.attendee_id)) : undefined;
  }

  async discard(scan: HeldScan): Promise<void> {
    await this.pool.query('DELETE FROM rollcall.door_photos WHERE stream_id = $1 AND scan_id = $2', [scan.streamId, scan.scanId]);
  }

  /** Deletes every photo of the person still waiting (their erasure). */
  async forget(attendeeId: string): Promise<void> {
    await this.pool.query('DELETE FROM rollcall.door_photos WHERE attendee_id = $1', [attendeeId]);
  }

  /** Deletes the photos older than the TTL; how many. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM rollcall.door_photos WHERE taken_at <= now() - make_interval(secs => $1)`, [
      DOOR_PHOTO_TTL_SECONDS,
    ]);
    return rowCount ?? 0;
  }
}
