/**
 * One worker thread of the face pool (face-worker-pool.ts): loads the models once, then
 * examines one photo per message. Everything a photo can do wrong comes back as an answer;
 * only a bug can end the thread, and the pool replaces it.
 *
 * Asked to stop, it exits itself once no model call is in flight: terminating a thread while
 * onnxruntime-node finishes a call (a model load or a run) aborts the whole process
 * ("terminate called after throwing an instance of 'Napi::Error'").
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { FaceRefusal } from './face-engine.js';
import { loadFaceModels } from './face-models.js';
import type { WorkerAnswer, WorkerQuestion, WorkerSettings } from './face-worker-protocol.js';
import { examinePhoto } from './photo-examination.js';

const port = parentPort;
if (!port) throw new Error('face-worker.ts runs as a worker thread of the face pool');
const { limits } = workerData as WorkerSettings;

// Photos never repeat, so libvips' operation cache only holds memory; one libvips thread per
// photo, as ORT has one per model: the pool's workers are the parallelism.
sharp.cache(false);
sharp.concurrency(1);

const models = await loadFaceModels();

const answer = async ({ id, photo }: Extract<WorkerQuestion, { id: number }>): Promise<WorkerAnswer> => {
  try {
    return { id, examination: await examinePhoto(models, photo, limits) };
  } catch (error) {
    if (error instanceof FaceRefusal) return { id, refusal: { code: error.code, message: error.message } };
    return { id, error: (error as Error).message ?? String(error) };
  }
};

let busy = false;
let stopping = false;
port.on('message', (question: WorkerQuestion) => {
  if ('stop' in question) {
    stopping = true;
    if (!busy) process.exit(0);
    return;
  }
  busy = true;
  void answer(question).then((reply) => {
    port.postMessage(reply);
    busy = false;
    if (stopping) process.exit(0);
  });
});
port.postMessage({ ready: true } satisfies WorkerAnswer);
