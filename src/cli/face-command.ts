import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { OnnxFaceEngine } from '../ml/face/create-face-engine.js';
import { cosineSimilarity } from '../ml/face/face-embedding.js';
import { FaceRefusal } from '../ml/face/face-engine.js';
import type { ExaminedFace, PhotoExamination } from '../ml/face/photo-examination.js';
import { type CliOutput, exits, needsSubcommand } from './command-line.js';
import { oneLine } from './one-line.js';

export interface FaceCommandDeps extends CliOutput {
  /** Started only once the arguments are known to be good: it loads the models in worker threads. */
  engine(): Promise<OnnxFaceEngine>;
  /** The threshold Rollcall decides with, shown as --threshold's default. */
  matchThreshold: number;
}

/**
 * The engine, imported only when a face command runs (it loads sharp and onnxruntime). Not in
 * rollcall.ts: tsx cannot parse a dynamic import in a file that starts with a shebang
 * (privatenumber/tsx#842).
 */
export const startFaceEngine = async (): Promise<OnnxFaceEngine> => (await import('../ml/face/create-face-engine.js')).createFaceEngine();

/** `rollcall face compare <imageA> <imageB>`: what operators calibrate the face check with. */
export const faceCommand = (deps: FaceCommandDeps): Command => {
  const face = new Command('face').description('face verification: what the models see in photos');
  face
    .command('compare')
    .description("the largest face of each photo, compared as the door compares a photo with an enrollment: faces found, liveness, similarity and the decision")
    .argument('<imageA>', 'a JPEG, PNG or WebP photo')
    .argument('<imageB>', 'another')
    .addOption(new Option('--threshold <similarity>', 'decide at this cosine similarity instead').argParser(similarityOption).default(deps.matchThreshold))
    .option('--json', 'one JSON object: similarity, threshold, match, and per image (a, b) its faces and liveness')
    .action(exits((a: string, b: string, options: { threshold: number; json?: boolean }) => compare([a, b], options, deps)));
  return needsSubcommand(face);
};

const similarityOption = (value: string): number => {
  const n = Number(value);
  if (!(value.trim() !== '' && n >= -1 && n <= 1)) throw new InvalidArgumentError('It must be a number from -1 to 1.');
  return n;
};

/** A photo the comparison cannot use, in words for the operator. */
class UnusablePhoto extends Error {}

interface Looked {
  file: string;
  examination: PhotoExamination;
  largest: ExaminedFace;
}

const readPhoto = async (file: string): Promise<Buffer> => {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UnusablePhoto(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
};

const look = async (engine: OnnxFaceEngine, file: string, bytes: Buffer): Promise<Looked> => {
  try {
    const examination = await engine.examine(bytes);
    if (!examination.largest) throw new UnusablePhoto(`${file}: no face was found in the photo`);
    return { file, examination, largest: examination.largest };
  } catch (error) {
    if (error instanceof FaceRefusal) throw new UnusablePhoto(`${file}: ${error.message} (${error.code})`);
    throw error;
  }
};

const compare = async (files: [string, string], options: { threshold: number; json?: boolean }, deps: FaceCommandDeps): Promise<number> => {
  let engine: OnnxFaceEngine | undefined;
  try {
    // Both files first: a wrong path is told without waiting for the models.
    const photos = [await readPhoto(files[0]), await readPhoto(files[1])] as const;
    engine = await deps.engine();
    const [a, b] = await Promise.all([look(engine, files[0], photos[0]), look(engine, files[1], photos[1])]);
    const similarity = cosineSimilarity(a.largest.embedding, b.largest.embedding);
    const match = similarity >= options.threshold;
    const { livenessThreshold } = engine.policy;
    const image = ({ file, examination, largest }: Looked) => ({
      file,
      faces: examination.faces.length,
      largestFace: { x: Math.round(largest.box.x), y: Math.round(largest.box.y), side: Math.round(largest.box.side) },
      liveness: largest.liveness,
      live: largest.liveness >= livenessThreshold,
    });
    if (options.json) {
      deps.out(JSON.stringify({ similarity, threshold: options.threshold, match, livenessThreshold, a: image(a), b: image(b) }));
      return 0;
    }
    for (const [name, looked] of [['A', a], ['B', b]] as const) {
      const { file, faces, largestFace, liveness, live } = image(looked);
      deps.out(
        `${name} ${file}: ${faces} face${faces === 1 ? '' : 's'}; largest ${largestFace.side} px at (${largestFace.x}, ${largestFace.y}); liveness ${liveness.toFixed(3)} (${live ? 'live' : 'not live'} at ${livenessThreshold})`,
      );
    }
    deps.out(`Similarity ${similarity.toFixed(3)} at threshold ${options.threshold}: ${match ? 'the same person' : 'different people'}`);
    return 0;
  } catch (error) {
    if (!(error instanceof UnusablePhoto)) throw error;
    deps.err(oneLine(error.message));
    return 1;
  } finally {
    await engine?.close();
  }
};
