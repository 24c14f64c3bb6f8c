import type { FaceRefusalCode } from './face-engine.js';
import type { DecodingLimits } from './photo-decoding.js';
import type { PhotoExamination } from './photo-examination.js';

/** What a face worker is started with (its `workerData`). */
export interface WorkerSettings {
  limits: DecodingLimits;
}

/** One photo to examine, or the request to stop once nothing is in flight. */
export type WorkerQuestion = { id: number; photo: Uint8Array } | { stop: true };

/** The first message (models loaded), then one answer per question. */
export type WorkerAnswer =
  | { ready: true }
  | { id: number; examination: PhotoExamination }
  | { id: number; refusal: { code: FaceRefusalCode; message: string } }
  | { id: number; error: string };
