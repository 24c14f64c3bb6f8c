import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { CheckInView } from '../../commands/check-in-commands.js';
import { FaceVerdicts } from './face-verdicts.js';

/** A door log with `rows` decided after the scan, read by faceDecisionAfter; each read counted. */
const doorLog = (decided: () => object[]) => {
  let reads = 0;
  const pool = { query: async () => (reads++, { rows: decided() }) } as unknown as pg.Pool;
  return { pool, reads: () => reads };
};

const noNotices = { nextNotice: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
const held: CheckInView = { result: 'face_pending', registrationId: 'r-1', attendeeId: 'ann', position: '41', holder: { attendeeId: 'ann', registrationStatus: 'confirmed' }, firstUse: null, flags: [] };
const verdictRow = { position: '42', prepare_position: '42', event_id: 'e', session_id: 's', registration_id: 'r-1', attendee_id: 'ann', staff_id: 'st', kind: 'face', result: 'face_mismatch', reason: null, at: new Date() };

describe('Waiting at the door for the face verdict', () => {
  it('answers the verdict once the read side has it, with its position', async () => {
    let rows: object[] = [];
    setTimeout(() => (rows = [verdictRow]), 30);
    const log = doorLog(() => rows);
    expect(await new FaceVerdicts(log.pool, noNotices, 2_000).verdictOn('e', 's', held)).toEqual({ ...held, result: 'face_mismatch', position: '42' });
  });

  it('answers face_pending after the bound when no verdict comes', async () => {
    const log = doorLog(() => []);
    const started = performance.now();
    expect(await new FaceVerdicts(log.pool, noNotices, 300).verdictOn('e', 's', held)).toBe(held);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(log.reads()).toBeLessThan(10);
  });

  it('does not wait for a scan that holds no face check', async () => {
    const log = doorLog(() => [verdictRow]);
    const ok: CheckInView = { ...held, result: 'ok' };
    expect(await new FaceVerdicts(log.pool, noNotices).verdictOn('e', 's', ok)).toBe(ok);
    expect(log.reads()).toBe(0);
  });
});
