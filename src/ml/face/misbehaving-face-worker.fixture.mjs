// A stand-in for face-worker.mjs that misbehaves on request, for face-worker-pool.unit.spec.ts:
// started with `#fails-to-start` it throws before it is ready; given the bytes "crash" it ends
// its thread, given "hang" it never answers; anything else gets an examination with no face.
import { parentPort } from 'node:worker_threads';

if (new URL(import.meta.url).hash === '#fails-to-start') throw new Error('The models are not here');

parentPort.on('message', ({ id, photo }) => {
  const asked = new TextDecoder().decode(photo);
  if (asked === 'crash') process.exit(3);
  if (asked === 'hang') for (;;);
  parentPort.postMessage({ id, examination: { width: 1, height: 1, faces: [], largest: null, modelVersions: { fake: asked } } });
});
parentPort.postMessage({ ready: true });
