import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../../test/accounts.js';
import { type FakeFaceEngine, facePhoto, fakeFaceEngine, refusedPhoto, spoofPhoto } from '../../../test/fake-face-engine.js';
import { type MultipartFile, multipartRequest } from '../../../test/graphql-multipart.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { faceStream } from '../../domain/streams.js';
import { enrollmentModels } from '../../ml/enrollment-models.js';
import { FaceEmbeddings } from '../../personal-data/face-embeddings.js';
import { MAX_PHOTO_BYTES } from '../photo-uploads.js';

/** Enrolling and erasing a face through the API, the face models scripted (test/fake-face-engine.ts), on a real database. */

const ENROLL = `mutation ($photos: [Upload!]!, $commandId: ID) { enrollFace(photos: $photos, commandId: $commandId) { enrolledAt samples { quality liveness } position } }`;
const ERASE = `mutation { eraseFaceData { erased position } }`;
const ERASE_ACCOUNT = `mutation ($accountId: ID!) { eraseAccount(accountId: $accountId) { accountId } }`;

let rollcall: TestApp;
let engine: FakeFaceEngine;
let embeddings: FaceEmbeddings;

beforeAll(async () => {
  engine = fakeFaceEngine();
  rollcall = await startTestApp({ faceModels: enrollmentModels(engine) });
  embeddings = new FaceEmbeddings(rollcall.db.pool, rollcall.app.personalData);
});
afterAll(async () => {
  await rollcall?.close();
});

const anAttendee = () => givenAccount(rollcall.store, { accountId: randomUUID(), roles: ['attendee'] });
const bearer = async (actor: Actor) => ({ authorization: `Bearer ${(await rollcall.app.tokens.issueAccessToken(actor)).token}` });

/** enrollFace as a multipart request, as `actor` (anonymously without one). */
const enroll = async (actor: Actor | undefined, photos: readonly Buffer[], commandId?: string) => {
  const files: MultipartFile[] = photos.map((bytes, i) => ({ path: `variables.photos.${i}`, bytes }));
  const { headers, body } = multipartRequest(ENROLL, { photos: photos.map(() => null), commandId }, files);
  return rollcall.app.inject({ method: 'POST', url: '/graphql', headers: { ...headers, ...(actor ? await bearer(actor) : {}) }, payload: body });
};

const graphql = async (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
  (await rollcall.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...(await bearer(actor)) }, payload: JSON.stringify({ query, variables }) })).json();

const postPhoto = async (actor: Actor | undefined, bytes: Buffer, contentType = 'image/jpeg') =>
  rollcall.app.inject({ method: 'POST', url: '/me/face', headers: { 'content-type': contentType, ...(actor ? await bearer(actor) : {}) }, payload: bytes });

const faceEvents = async (actor: Actor) => (await rollcall.store.readStream(faceStream(actor.accountId))).map(({ type, data }) => ({ type, data }));

const sealedRows = async (actor: Actor) =>
  (await rollcall.db.pool.query<{ reference: string; sealed: Buffer }>('SELECT reference, sealed FROM rollcall.face_embeddings WHERE account_id = $1', [actor.accountId])).rows;

describe('Enrolling your face', () => {
  it('takes one to three photos over multipart, keeping their embeddings sealed and recording only references and scores', async () => {
    const ann = await anAttendee();
    const response = await enroll(ann, [facePhoto(ann.accountId), facePhoto(ann.accountId), facePhoto(ann.accountId)]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().data.enrollFace).toMatchObject({ samples: [{ quality: 0.9, liveness: 0.95 }, { quality: 0.9 }, { quality: 0.9 }], position: expect.any(String) });

    const [enrolled] = await faceEvents(ann);
    expect(enrolled).toMatchObject({ type: 'FaceEnrolled', data: { accountId: ann.accountId, modelVersions: { recognition: 'fake-r1' } } });
    const references = (enrolled!.data.samples as { reference: string }[]).map((s) => s.reference);
    expect(Object.keys((enrolled!.data.samples as object[])[0]!).sort()).toEqual(['liveness', 'quality', 'reference']);

    const rows = await sealedRows(ann);
    expect(rows.map((r) => r.reference).sort()).toEqual([...references].sort());
    const plaintext = Buffer.from(engine.embeddingOf(ann.accountId).buffer);
    for (const row of rows) expect(row.sealed.includes(plaintext)).toBe(false);
    expect(await embeddings.open(ann.accountId)).toEqual([1, 2, 3].map(() => engine.embeddingOf(ann.accountId)));
  });

  it('replaces an earlier enrollment', async () => {
    const ann = await anAttendee();
    await enroll(ann, [facePhoto(ann.accountId), facePhoto(ann.accountId)]);
    await enroll(ann, [facePhoto(`${ann.accountId}-new-haircut`)]);
    expect(await embeddings.open(ann.accountId)).toEqual([engine.embeddingOf(`${ann.accountId}-new-haircut`)]);
  });

  it('refuses a photo with its code, records the refusal, and keeps the enrollment there was', async () => {
    const ann = await anAttendee();
    await enroll(ann, [facePhoto(ann.accountId)]);
    for (const [photo, code] of [
      [refusedPhoto('MULTIPLE_FACES'), 'MULTIPLE_FACES'],
      [refusedPhoto('NO_FACE'), 'NO_FACE'],
      [refusedPhoto('FACE_TOO_SMALL'), 'FACE_TOO_SMALL'],
      [spoofPhoto(ann.accountId), 'LIVENESS_FAILED'],
      [Buffer.from([0xde, 0xad, 0xbe, 0xef]), 'UNSUPPORTED_IMAGE'],
    ] as const) {
      const refused = (await enroll(ann, [facePhoto(ann.accountId), photo])).json();
      expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(refused)).toBe(code);
      expect(refused.data).toBeNull();
    }
    const rejected = (await faceEvents(ann)).filter((e) => e.type === 'FaceEnrollmentRejected');
    expect(rejected.map((e) => e.data)).toEqual(
      ['MULTIPLE_FACES', 'NO_FACE', 'FACE_TOO_SMALL', 'LIVENESS_FAILED', 'UNSUPPORTED_IMAGE'].map((code) => expect.objectContaining({ code, photo: 2 })),
    );
    expect(await embeddings.open(ann.accountId)).toEqual([engine.embeddingOf(ann.accountId)]);
  });

  it('refuses a fourth photo, and a photo over 10 MB as IMAGE_TOO_LARGE, before the models see it', async () => {
    const ann = await anAttendee();
    const four = await enroll(ann, [1, 2, 3, 4].map(() => facePhoto(ann.accountId)));
    expect(four.statusCode).toBe(413);
    const huge = await enroll(ann, [Buffer.alloc(MAX_PHOTO_BYTES + 1, 1)]);
    expect(huge.json().errors?.[0]?.extensions?.code, huge.body).toBe('IMAGE_TOO_LARGE');
    expect(await sealedRows(ann)).toEqual([]);
  });

  it('answers an anonymous multipart request at once, its files never read', async () => {
    const response = await enroll(undefined, [facePhoto('nobody'), facePhoto('nobody')]);
    expect(response.json().errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a multipart request anywhere but /graphql, and photos sent as JSON', async () => {
    const ann = await anAttendee();
    const { headers, body } = multipartRequest(ENROLL, { photos: [null] }, [{ path: 'variables.photos.0', bytes: facePhoto(ann.accountId) }]);
    const elsewhere = await rollcall.app.inject({ method: 'POST', url: '/tickets/x/qr.png', headers, payload: body });
    expect(elsewhere.json()).toMatchObject({ code: 'VALIDATION' });
    const asJson = await graphql(ann, ENROLL, { photos: ['ZmFjZTphbm4='] });
    expect(asJson.errors?.[0]?.extensions?.code).toMatch(/^(GRAPHQL_VALIDATION|BAD_REQUEST)$/);
  });
});

describe('POST /me/face, for clients without multipart', () => {
  it('enrolls the one photo of the body, 201', async () => {
    const ann = await anAttendee();
    const response = await postPhoto(ann, facePhoto(ann.accountId), 'image/png');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ samples: [{ quality: 0.9, liveness: 0.95 }] });
    expect(await embeddings.open(ann.accountId)).toEqual([engine.embeddingOf(ann.accountId)]);
  });

  it('answers refusals with the photo’s code and a 4xx', async () => {
    const ann = await anAttendee();
    expect((await postPhoto(ann, refusedPhoto('NO_FACE'))).json()).toMatchObject({ code: 'NO_FACE', statusCode: 422 });
    expect((await postPhoto(ann, facePhoto(ann.accountId), 'text/plain')).json()).toMatchObject({ code: 'UNSUPPORTED_IMAGE', statusCode: 415 });
    expect((await postPhoto(ann, Buffer.alloc(MAX_PHOTO_BYTES + 1, 1))).json()).toMatchObject({ code: 'IMAGE_TOO_LARGE', statusCode: 413 });
    expect((await postPhoto(undefined, facePhoto(ann.accountId))).statusCode).toBe(401);
  });
});

describe('Erasing your face data', () => {
  it('deletes the embeddings and records the erasure; nothing is left to erase the second time', async () => {
    const ann = await anAttendee();
    await enroll(ann, [facePhoto(ann.accountId)]);
    expect((await graphql(ann, ERASE)).data.eraseFaceData).toEqual({ erased: true, position: expect.any(String) });
    expect(await sealedRows(ann)).toEqual([]);
    expect(await embeddings.open(ann.accountId)).toEqual([]);
    expect((await faceEvents(ann)).at(-1)).toMatchObject({ type: 'FaceDataErased', data: { accountId: ann.accountId, erasedBy: ann.accountId } });
    expect((await graphql(ann, ERASE)).data.eraseFaceData).toEqual({ erased: false, position: null });
  });

  it('goes with an account erasure: the rows are deleted, and a copy of one kept elsewhere no longer opens', async () => {
    const ann = await anAttendee();
    const admin = await givenAccount(rollcall.store, { accountId: randomUUID(), roles: ['admin'] });
    await enroll(ann, [facePhoto(ann.accountId)]);
    const [copy] = await sealedRows(ann);

    const erased = await graphql(admin, ERASE_ACCOUNT, { accountId: ann.accountId });
    expect(erased.errors).toBeUndefined();
    expect(await sealedRows(ann)).toEqual([]);
    expect((await faceEvents(ann)).at(-1)).toMatchObject({ type: 'FaceDataErased', data: { erasedBy: admin.accountId } });

    // A backup restored, say: the sealed bytes are back, the key that opens them is not.
    await rollcall.db.pool.query('INSERT INTO rollcall.face_embeddings (reference, account_id, sealed) VALUES ($1, $2, $3)', [copy!.reference, ann.accountId, copy!.sealed]);
    expect(await embeddings.open(ann.accountId)).toEqual([]);
    expect((await rollcall.app.personalData.lookup([ann.accountId])).get(ann.accountId)).toEqual({ status: 'erased' });
  });
});
