import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { DEFAULT_FACE_POLICY } from '../ml/face/face-policy.js';
import { portraitOf, sampleFace } from '../ml/face/sample-faces.fixture.js';

/** `rollcall face compare` as an operator runs it, its own process: no database, the models on its worker threads. */
let folder: string;
const photo = (name: string) => path.join(folder, name);
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'rollcall-face-'));
  await writeFile(photo('nurse-1.jpg'), await portraitOf(sampleFace(1, 'nurse')));
  await writeFile(photo('nurse-3.jpg'), await portraitOf(sampleFace(3, 'nurse')));
  await writeFile(photo('red-lips.jpg'), await portraitOf(sampleFace(3, 'red-lips')));
  await writeFile(photo('notes.txt'), 'not a photo');
  await writeFile(photo('blank.png'), await sharp({ create: { width: 320, height: 240, channels: 3, background: '#888' } }).png().toBuffer());
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const compare = (...args: string[]) => runRollcallCli(['face', 'compare', ...args], process.env);

describe('rollcall face compare', () => {
  it('prints one JSON object with the decision at the threshold, and each photo’s faces and liveness, exit 0', async () => {
    const [same, different] = await Promise.all([
      compare(photo('nurse-1.jpg'), photo('nurse-3.jpg'), '--json'),
      compare(photo('nurse-1.jpg'), photo('red-lips.jpg'), '--json'),
    ]);
    const image = { file: expect.any(String), faces: 1, largestFace: { x: expect.any(Number), y: expect.any(Number), side: expect.any(Number) }, liveness: expect.any(Number), live: true };
    for (const run of [same, different]) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(same.stdout)).toEqual({
      similarity: expect.toSatisfy((s: number) => s > DEFAULT_FACE_POLICY.matchThreshold),
      threshold: DEFAULT_FACE_POLICY.matchThreshold,
      match: true,
      livenessThreshold: DEFAULT_FACE_POLICY.livenessThreshold,
      a: image,
      b: image,
    });
    expect(JSON.parse(different.stdout)).toMatchObject({ match: false, similarity: expect.toSatisfy((s: number) => s < DEFAULT_FACE_POLICY.matchThreshold) });
  });

  it('says the same in words, at the threshold given', async () => {
    const run = await compare(photo('nurse-1.jpg'), photo('nurse-3.jpg'), '--threshold', '0.99');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^A .*nurse-1\.jpg: 1 face; largest \d+ px at \(\d+, \d+\); liveness \d\.\d{3} \(live at 0\.02\)\nB .*\nSimilarity 0\.\d{3} at threshold 0\.99: different people\n$/);
  });

  it.each([
    ['has no face', ['nurse-1.jpg', 'blank.png'], /^.*blank\.png: no face was found in the photo\n$/],
    ['cannot be read', ['nurse-1.jpg', 'missing.jpg'], /^.*missing\.jpg: cannot be read \(ENOENT\)\n$/],
    ['is no image', ['notes.txt', 'nurse-1.jpg'], /^.*notes\.txt: The photo cannot be read as a JPEG, PNG or WebP image \(.*\) \(UNSUPPORTED_IMAGE\)\n$/],
  ])('exits 1 with one line when a photo %s', async (_, files, message) => {
    const run = await compare(...files.map(photo));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 for a mistake in the arguments, before loading any model', async () => {
    expect(await compare(photo('nurse-1.jpg'))).toEqual({ code: 2, stdout: '', stderr: "Missing required argument 'imageB' (--help shows the usage)\n" });
  });
});
