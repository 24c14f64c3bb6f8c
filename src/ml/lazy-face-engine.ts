import type { FaceEngine } from './face/face-engine.js';

/** Starts timing one inference of `model` and returns what stops it (the inference metric). */
type TimeInference = (model: string) => () => void;

/**
 * A face engine started on first use: its worker threads and models cost memory and seconds
 * of start-up, which an API process nobody enrolls through, or an ml-worker of a Rollcall
 * whose events check no faces, need not pay. The first photo waits for the models to load.
 * Each call is one inference of the metric's `face-enrollment` or `face-verification` model,
 * decoding and the wait for a free worker included: what a door waits for.
 */
export const lazyFaceEngine = (start: () => FaceEngine, timeInference: TimeInference = () => () => undefined): FaceEngine => {
  let engine: FaceEngine | undefined;
  const started = () => (engine ??= start());
  const timed = async <T>(model: string, run: () => Promise<T>): Promise<T> => {
    const stop = timeInference(model);
    try {
      return await run();
    } finally {
      stop();
    }
  };
  return {
    enrollmentSample: (photo) => timed('face-enrollment', () => started().enrollmentSample(photo)),
    verify: (photo, enrolled) => timed('face-verification', () => started().verify(photo, enrolled)),
    close: async () => engine?.close(),
  };
};
