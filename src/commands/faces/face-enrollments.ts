import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type FaceCommand, faceDecider } from '../../domain/face/business-logic.js';
import { type EnrolledSample, MAX_ENROLLMENT_PHOTOS, type ModelVersions, PhotoRefused } from '../../domain/face/face.js';
import { faceStream } from '../../domain/streams.js';
import { formatPosition } from '../../eventstore/position.js';
import type { DoorPhotos } from '../../personal-data/door-photos.js';
import type { FaceEmbeddings } from '../../personal-data/face-embeddings.js';
import type { CommandContext, CommandHandler } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import { type CommandRequest, contextOf } from '../request.js';

/**
 * What enrollment asks of the face models: the one face of a photo, as an embedding with its
 * quality and liveness, or a PhotoRefused saying why not (src/ml/face-models.ts adapts the
 * FaceEngine to it; specs script it).
 */
export interface EnrollmentModels {
  enrollmentSample(photo: Buffer): Promise<{ embedding: Float32Array; quality: number; liveness: number; modelVersions: ModelVersions }>;
}

export interface FaceEnrollmentView {
  enrolledAt: string;
  /** Per photo, in the order sent: how good and how live its face was (0-1). */
  samples: { quality: number; liveness: number }[];
  position: string | null;
}

export interface FaceErasureView {
  /** False when there was nothing enrolled to erase. */
  erased: boolean;
  position: string | null;
}

/**
 * An attendee's face: enrolling it from one to three photos, and erasing it. The photos are
 * judged by the models and dropped; only the embeddings are kept, sealed (FaceEmbeddings), and
 * the log records the enrollment by reference. Embeddings are stored before the enrollment is
 * recorded and deleted after an erasure is: whatever the interleaving with an erasure, nothing
 * is left readable that the log calls erased.
 */
export class FaceEnrollments {
  constructor(
    private readonly handler: CommandHandler,
    /** Absent where no face models run: enrolling is then refused. */
    private readonly models: EnrollmentModels | undefined,
    private readonly embeddings: FaceEmbeddings,
    private readonly photos: DoorPhotos,
  ) {}

  private handle(accountId: string, command: FaceCommand, context: CommandContext) {
    return this.handler.handle(faceDecider, faceStream(accountId), command, context);
  }

  async enroll(request: CommandRequest, photos: readonly Buffer[]): Promise<FaceEnrollmentView> {
    const { actor, now } = request;
    if (!this.models) throw new DomainError('CONFLICT', 'Face verification is not set up on this server');
    if (photos.length < 1 || photos.length > MAX_ENROLLMENT_PHOTOS)
      throw new DomainError('VALIDATION', `Enroll 1 to ${MAX_ENROLLMENT_PHOTOS} photos of your face`);
    const judged = [];
    for (const [index, photo] of photos.entries()) {
      try {
        judged.push(await this.models.enrollmentSample(photo));
      } catch (error) {
        if (error instanceof PhotoRefused) await this.recordRefusal(request, index + 1, error);
        throw error;
      }
    }
    // Derived from the command, so that a resent enrollment stores under the same references.
    const samples: EnrolledSample[] = judged.map(({ quality, liveness }, i) => ({ reference: deterministicId(request.commandId, 'face-sample', String(i)), quality, liveness }));
    await this.embeddings.replace(
      actor.accountId,
      judged.map(({ embedding }, i) => ({ reference: samples[i]!.reference, embedding })),
    );
    const result = await this.handle(
      actor.accountId,
      { type: 'EnrollFace', data: { accountId: actor.accountId, by: actor, samples, modelVersions: judged[0]!.modelVersions, now } },
      contextOf(request),
    );
    const enrolled = result.events.find((event) => event.type === 'FaceEnrolled');
    return {
      enrolledAt: enrolled?.data.enrolledAt ?? now.toISOString(),
      samples: samples.map(({ quality, liveness }) => ({ quality, liveness })),
      position: result.position ? formatPosition(result.position) : null,
    };
  }

  /**
   * A refused photo is recorded under its own command id (derived from the request's), so that
   * the request, sent again with a better photo, still enrolls; sent again as it was, it records
   * the refusal once.
   */
  private async recordRefusal(request: CommandRequest, photo: number, refusal: PhotoRefused): Promise<void> {
    const { actor, now } = request;
    const commandId = deterministicId(request.commandId, 'face-refused', String(photo));
    await this.handle(
      actor.accountId,
      { type: 'RejectEnrollment', data: { accountId: actor.accountId, by: actor, photo, code: refusal.code, now } },
      { ...contextOf(request), commandId, requestHash: undefined, keyedByClient: false },
    );
  }

  /** The attendee erases their face data: recorded first, then the embeddings (and any door photo waiting) deleted. */
  async erase(request: CommandRequest): Promise<FaceErasureView> {
    const { actor, now } = request;
    const result = await this.handle(actor.accountId, { type: 'EraseFaceData', data: { accountId: actor.accountId, by: actor, now } }, contextOf(request));
    await this.forgetData(actor.accountId);
    return { erased: result.events.length > 0, position: result.position ? formatPosition(result.position) : null };
  }

  /**
   * The face data of an account being erased (Erasures' forgetPerson): its key is gone already,
   * so what is left cannot be opened; this records the erasure on the face stream, once per
   * account, and deletes the rows too.
   */
  async forget(accountId: string, by: Actor): Promise<void> {
    const now = new Date();
    const commandId = deterministicId('face-data-of-erased-account', accountId);
    const context: CommandContext = { commandId, actorId: by.accountId, correlationId: commandId, causationId: commandId, now };
    await this.handle(accountId, { type: 'EraseFaceData', data: { accountId, by, now } }, context);
    await this.forgetData(accountId);
  }

  private async forgetData(accountId: string): Promise<void> {
    await this.embeddings.forget(accountId);
    await this.photos.forget(accountId);
  }
}
