// A stand-in for face-worker.mjs that misbehaves on request, for face-worker-pool.unit.spec.ts:
// given the bytes "crash" it ends its thread, given "hang" it never answers (nor hears that it
// should stop); anything else gets an examination with no face.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ id, photo, stop }) => {
  if (stop) process.exit(0);
  const asked = new TextDecoder().decode(photo);
  if (asked === 'crash') process.exit(3);
  if (asked === 'hang') for (;;);
  parentPort.postMessage({ id, examination: { width: 1, height: 1, faces: [], largest: null, modelVersions: { fake: asked } } });
});
parentPort.postMessage({ ready: true });
