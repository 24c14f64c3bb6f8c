import { decideEnrollment, decideVerification } from './face-decisions.js';
import type { FaceEngine } from './face-engine.js';
import { DEFAULT_FACE_POLICY, type FacePolicy } from './face-policy.js';
import { FaceWorkerPool } from './face-worker-pool.js';
import { DEFAULT_DECODING_LIMITS, type DecodingLimits } from './photo-decoding.js';
import type { PhotoExamination } from './photo-examination.js';

export interface FaceEngineOptions {
  /** Worker threads (2: one a core on the 2-core hosts Rollcall runs on). */
  workers?: number;
  /** Per photo, on its worker (10 s; decoding alone gives up after 5). */
  jobTimeoutMs?: number;
  policy?: Partial<FacePolicy>;
  limits?: Partial<DecodingLimits>;
}

/** The engine on onnxruntime-node, which can also show what it saw (for `rollcall face compare`). */
export interface OnnxFaceEngine extends FaceEngine {
  readonly policy: FacePolicy;
  /** Every face of the photo and the largest one's embedding and liveness, undecided. */
  examine(photo: Buffer): Promise<PhotoExamination>;
}

/** Starts the worker threads, which load the models while the caller goes on. */
export const createFaceEngine = (options: FaceEngineOptions = {}): OnnxFaceEngine => {
  const policy: FacePolicy = { ...DEFAULT_FACE_POLICY, ...options.policy };
  const pool = new FaceWorkerPool({
    size: options.workers ?? 2,
    jobTimeoutMs: options.jobTimeoutMs ?? 10_000,
    limits: { ...DEFAULT_DECODING_LIMITS, ...options.limits },
  });
  return {
    policy,
    examine: (photo) => pool.examine(photo),
    enrollmentSample: async (photo) => decideEnrollment(await pool.examine(photo), policy),
    verify: async (photo, enrolled) => decideVerification(await pool.examine(photo), enrolled, policy),
    close: () => pool.close(),
  };
};
