import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/**
 * The 22 faces of `test/fixtures/faces/sample1…6.jpg` (face-api's demo photos), labelled by
 * looking at them: who each is, and where the centre of the face is in the photo's pixels.
 * One person is sure to appear twice (the blonde on the right of sample1, in the middle of
 * sample3). Two cross-photo pairs could not be told by eye and are `unsure`: they count as
 * neither the same person nor different people.
 */
export interface SampleFace {
  photo: number;
  person: string;
  centre: readonly [number, number];
}

export const SAMPLE_FACES: readonly SampleFace[] = [
  { photo: 1, person: 'clown-makeup', centre: [508, 476] },
  { photo: 1, person: 'purple-lips', centre: [932, 540] },
  { photo: 1, person: 'nurse', centre: [1571, 323] },
  { photo: 2, person: 'profile', centre: [449, 270] },
  { photo: 2, person: 'looking-down', centre: [974, 341] },
  { photo: 2, person: 'nose-ring', centre: [1541, 277] },
  { photo: 3, person: 'curly-blonde', centre: [689, 468] },
  { photo: 3, person: 'nurse', centre: [1189, 348] },
  { photo: 3, person: 'red-lips', centre: [1594, 433] },
  { photo: 4, person: 'dark-curls', centre: [345, 321] },
  { photo: 4, person: 'choker', centre: [757, 190] },
  { photo: 4, person: 'ponytail', centre: [1078, 303] },
  { photo: 4, person: 'long-blonde', centre: [1347, 267] },
  { photo: 5, person: 'front-step', centre: [461, 1027] },
  { photo: 5, person: 'second-step', centre: [688, 546] },
  { photo: 5, person: 'top-step', centre: [874, 222] },
  { photo: 5, person: 'fourth-step', centre: [1196, 317] },
  { photo: 5, person: 'against-wall', centre: [1503, 521] },
  { photo: 6, person: 'green-dress', centre: [359, 621] },
  { photo: 6, person: 'red-dress', centre: [761, 480] },
  { photo: 6, person: 'striped-dress', centre: [1267, 446] },
  { photo: 6, person: 'green-top', centre: [1592, 409] },
];

/** Pairs of people who might be one person: similar enough to the eye and to the model (0.42-0.43). */
export const UNSURE_PAIRS: readonly (readonly [string, string])[] = [
  ['purple-lips', 'dark-curls'],
  ['choker', 'striped-dress'],
];

export const FACES_PER_PHOTO: Readonly<Record<number, number>> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/faces');

export const samplePhoto = (photo: number): Promise<Buffer> => readFile(path.join(FIXTURES, `sample${photo}.jpg`));

/** Whether two labelled faces are of the same person, of different people, or unsure. */
export const relation = (p: SampleFace, q: SampleFace): 'same' | 'different' | 'unsure' => {
  if (p.person === q.person) return 'same';
  const unsure = UNSURE_PAIRS.some(([x, y]) => (x === p.person && y === q.person) || (x === q.person && y === p.person));
  return unsure ? 'unsure' : 'different';
};

/** About the size of each labelled face in its photo (they measure 208-310 px by the detector's box). */
const FACE_SIDE = 250;

/**
 * A door-style portrait of one labelled face: a square twice the face's size about its
 * centre, as a JPEG (the neighbours' faces mostly stay out of it).
 */
export const portraitOf = async (face: SampleFace, options: { side?: number } = {}): Promise<Buffer> => {
  const photo = sharp(await samplePhoto(face.photo));
  const { width, height } = await photo.metadata();
  const crop = 2 * FACE_SIDE;
  const left = Math.min(Math.max(0, Math.round(face.centre[0] - crop / 2)), width - crop);
  const top = Math.min(Math.max(0, Math.round(face.centre[1] - crop / 2)), height - crop);
  const portrait = photo.extract({ left, top, width: crop, height: crop });
  return (options.side ? portrait.resize(options.side, options.side) : portrait).jpeg({ quality: 92 }).toBuffer();
};

/** The labelled face of this person in this photo. */
export const sampleFace = (photo: number, person: string): SampleFace => {
  const face = SAMPLE_FACES.find((f) => f.photo === photo && f.person === person);
  if (!face) throw new Error(`No ${person} in sample${photo}`);
  return face;
};
