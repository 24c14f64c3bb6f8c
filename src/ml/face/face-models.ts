import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { ModelVersions } from './face-engine.js';

/**
 * The four ONNX models of the npm package `faceplugin-face-recognition-js` (MIT), read from
 * node_modules at run time: installed with the package, never downloaded.
 */
const MODEL_FILES = { detect: 'fr_detect.onnx', landmarks: 'fr_landmark.onnx', embed: 'fr_feature.onnx', liveness: 'fr_liveness.onnx' } as const;
type ModelName = keyof typeof MODEL_FILES;

/** Bumped whenever the code around the models changes what they see or what is made of their outputs. */
const PIPELINE_VERSION = '1';

export interface DetectorOutput {
  scores: Float32Array;
  boxes: Float32Array;
}

/** The models of one worker, each run on one thread. */
export interface FaceModels {
  detect(input: Float32Array): Promise<DetectorOutput>;
  landmarks(input: Float32Array): Promise<Float32Array>;
  embed(input: Float32Array): Promise<Float32Array>;
  liveness(input: Float32Array): Promise<Float32Array>;
  /** Each model file's name and the start of its SHA-256, and the pipeline's version. */
  versions: ModelVersions;
}

const modelDirectory = (): string =>
  path.join(path.dirname(createRequire(import.meta.url).resolve('faceplugin-face-recognition-js/package.json')), 'model');

const SHAPES: Record<ModelName, readonly number[]> = { detect: [1, 3, 240, 320], landmarks: [1, 1, 64, 64], embed: [1, 3, 112, 112], liveness: [1, 3, 128, 128] };

/**
 * ORT's graph optimisations, per model, as measured here (median ms on one thread, `extended` →
 * `all`): detect 5.8 → 2.1, landmarks 1.0 → 0.3, but embed 19.5 → 58.5 (the layout changes
 * of `all` slow this network down threefold) and liveness 4.3 either way.
 */
const OPTIMISATION: Record<ModelName, 'extended' | 'all'> = { detect: 'all', landmarks: 'all', embed: 'extended', liveness: 'extended' };

/**
 * Loads the models. One intra-op thread each: the pool's workers already use both cores, and
 * ORT's default of a thread per core makes them and sharp fight over them.
 */
export const loadFaceModels = async (): Promise<FaceModels> => {
  const directory = modelDirectory();
  const versions: ModelVersions = { pipeline: PIPELINE_VERSION };
  const sessions = {} as Record<ModelName, ort.InferenceSession>;
  for (const name of Object.keys(MODEL_FILES) as ModelName[]) {
    const bytes = await readFile(path.join(directory, MODEL_FILES[name]));
    versions[name] = `${MODEL_FILES[name]}@sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
    sessions[name] = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: OPTIMISATION[name],
    });
  }
  const run = async (name: ModelName, input: Float32Array): Promise<ort.InferenceSession.OnnxValueMapType> =>
    sessions[name].run({ input: new ort.Tensor('float32', input, [...SHAPES[name]]) });
  const output = async (name: ModelName, input: Float32Array): Promise<Float32Array> => (await run(name, input)).output!.data as Float32Array;
  return {
    detect: async (input) => {
      const result = await run('detect', input);
      return { scores: result.scores!.data as Float32Array, boxes: result.boxes!.data as Float32Array };
    },
    landmarks: (input) => output('landmarks', input),
    embed: (input) => output('embed', input),
    liveness: (input) => output('liveness', input),
    versions,
  };
};
