import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import { type OnnxFaceEngine, createFaceEngine } from '../../ml/face/create-face-engine.js';
import { type FaceDoor, startFaceDoor } from './face-door.fixture.js';

/**
 * The face check at the door on the real stack and the real models (onnxruntime-node, the
 * worker threads of src/ml/face/): enroll → register → check in, with the photos of
 * test/fixtures/faces. The nurse is in sample1 and sample3; the woman in red lipstick beside
 * her in sample3 is someone else.
 */

const FIXTURES = new URL('../../../test/fixtures/faces/', import.meta.url);
const ERASE = `mutation { eraseFaceData { erased } }`;
const ERASE_ACCOUNT = `mutation ($accountId: ID!) { eraseAccount(accountId: $accountId) { accountId } }`;

/** A square of a sample photo around one face, small enough to hold no other. */
const crop = async (photo: number, [x, y]: readonly [number, number], side = 500): Promise<Buffer> => {
  const image = sharp(await readFile(new URL(`sample${photo}.jpg`, FIXTURES)));
  const { width, height } = await image.metadata();
  const left = Math.max(0, Math.min(width! - side, x - side / 2));
  const top = Math.max(0, Math.min(height! - side, y - side / 2));
  return image.extract({ left, top, width: side, height: side }).jpeg({ quality: 90 }).toBuffer();
};

/** A PNG of 20,000 × 20,000 one-bit pixels: 50 KB to send, 400 million pixels (1.2 GB as RGB) to decode. */
const hugePng = (): Buffer => {
  const side = 20_000;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // one bit per pixel, greyscale
  // Each row: a filter byte, then side / 8 bytes of pixels, all zero.
  const pixels = deflateSync(Buffer.alloc(side * (1 + side / 8)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer): number => {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

let engine: OnnxFaceEngine;
let door: FaceDoor;
let nurseInSample1: Buffer;
let nurseInSample3: Buffer;
let redLipsInSample3: Buffer;
let noFace: Buffer;

beforeAll(async () => {
  engine = createFaceEngine();
  door = await startFaceDoor(engine);
  [nurseInSample1, nurseInSample3, redLipsInSample3] = await Promise.all([crop(1, [1571, 323]), crop(3, [1189, 348]), crop(3, [1594, 433])]);
  noFace = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a8f96' } }).jpeg().toBuffer();
});
afterAll(async () => {
  await door?.close();
  await engine?.close();
});

/** The nurse, enrolled from sample1, registered for an event that requires faces. */
const theNurseAtTheDoor = async () => {
  const nurse = await door.anAttendee();
  const enrolled = await door.postPhoto(nurse, nurseInSample1);
  expect(enrolled.statusCode, enrolled.body).toBe(201);
  const event = await door.anEventFor('required');
  await event.register(nurse);
  return { nurse, event };
};

describe('Enrolling with the real models', () => {
  it('refuses a photo of several people, one without a face, garbage, and a 20,000 × 20,000 PNG, each with its code', async () => {
    const ann: Actor = await door.anAttendee();
    const codeOf = async (photo: Buffer, type = 'image/jpeg') => (await door.postPhoto(ann, photo, type)).json().code;
    expect(await codeOf(await readFile(new URL('sample4.jpg', FIXTURES)))).toBe('MULTIPLE_FACES');
    expect(await codeOf(noFace)).toBe('NO_FACE');
    expect(await codeOf(Buffer.from('this is not a photo at all'))).toBe('UNSUPPORTED_IMAGE');
    // Made before the clock starts: deflating its 50 MB of pixels is the test's work, not the refusal's.
    const huge = hugePng();
    const started = performance.now();
    expect(await codeOf(huge, 'image/png')).toBe('IMAGE_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('The door with the real models', () => {
  it('lets the nurse in by her face in another photo: ok', async () => {
    const { nurse, event } = await theNurseAtTheDoor();
    expect(await door.scan(event, nurse, nurseInSample3)).toMatchObject({ result: 'ok', attendeeId: nurse.accountId });
    expect(await door.doorLog(event, nurse)).toEqual(['scan face_pending', 'face ok']);
  });

  it("answers face_mismatch for another person's face, and then the right face still gets in", async () => {
    const { nurse, event } = await theNurseAtTheDoor();
    expect((await door.scan(event, nurse, redLipsInSample3)).result).toBe('face_mismatch');
    expect((await door.scan(event, nurse, nurseInSample3)).result).toBe('ok');
  });

  it('answers face_unreadable for no face, garbage bytes and a 20,000 × 20,000 PNG, the last refused fast', async () => {
    const { nurse, event } = await theNurseAtTheDoor();
    expect((await door.scan(event, nurse, noFace)).result).toBe('face_unreadable');
    expect((await door.scan(event, nurse, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a]))).result).toBe('face_unreadable');
    const huge = hugePng();
    const started = performance.now();
    expect((await door.scan(event, nurse, huge)).result).toBe('face_unreadable');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await door.scan(event, nurse, nurseInSample3)).result).toBe('ok');
  });

  it('cannot verify after the nurse erases her face, nor after her account is erased, and keeps no readable embedding', async () => {
    const { nurse, event } = await theNurseAtTheDoor();
    expect((await door.graphql(nurse, ERASE)).data.eraseFaceData.erased).toBe(true);
    expect((await door.scan(event, nurse, nurseInSample3)).result).toBe('face_not_enrolled');

    const again = await theNurseAtTheDoor();
    const eraser: Actor = { accountId: crypto.randomUUID(), roles: ['admin'] };
    expect((await door.graphql(eraser, ERASE_ACCOUNT, { accountId: again.nurse.accountId })).errors).toBeUndefined();
    const rows = await door.rollcall.db.pool.query('SELECT 1 FROM rollcall.face_embeddings WHERE account_id = $1', [again.nurse.accountId]);
    expect(rows.rowCount).toBe(0);
    expect((await door.rollcall.app.personalData.lookup([again.nurse.accountId])).get(again.nurse.accountId)).toEqual({ status: 'erased' });
    expect((await door.scan(again.event, again.nurse, nurseInSample3)).result).toBe('face_not_enrolled');
  });
});
