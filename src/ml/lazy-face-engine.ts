import type { FaceEngine } from './face/face-engine.js';

/**
 * A face engine started on first use: its worker threads and models cost memory and seconds
 * of start-up, which an API process nobody enrolls through, or an ml-worker of a Rollcall
 * whose events check no faces, need not pay. The first photo waits for the models to load.
 */
export const lazyFaceEngine = (start: () => FaceEngine): FaceEngine => {
  let engine: FaceEngine | undefined;
  const started = () => (engine ??= start());
  return {
    enrollmentSample: (photo) => started().enrollmentSample(photo),
    verify: (photo, enrolled) => started().verify(photo, enrolled),
    close: async () => engine?.close(),
  };
};
