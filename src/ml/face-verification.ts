import type { CommandContext, CommandHandler } from '../commands/command-handler.js';
import { deterministicId } from '../commands/deterministic-id.js';
import { SYSTEM } from '../domain/actor.js';
import { type FaceVerdict, checkInDecider } from '../domain/check-in/business-logic.js';
import { scanResultOf } from '../domain/check-in/check-in.js';
import { causedBy } from '../eventstore/trace.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import type { DoorPhotos, HeldScan } from '../personal-data/door-photos.js';
import type { FaceEmbeddings } from '../personal-data/face-embeddings.js';
import { type FaceEngine, FaceRefusal } from './face/face-engine.js';
import type { WorkerReactor } from './reactors.js';

export interface FaceVerificationDependencies {
  /** Where verdicts are recorded, on the held scan's check-in stream. */
  commands: CommandHandler;
  engine: FaceEngine;
  embeddings: FaceEmbeddings;
  photos: DoorPhotos;
  /** Where each verdict is told, with the trace of the scan it judged. */
  log?: FollowerLog;
}

/**
 * Judges the face of every scan held for one (CheckInAwaitingFace): the door photo against the
 * attendee's enrolled embeddings, and records the verdict as a command on the check-in stream,
 * where the decider turns it into FaceMatched (the check-in), FaceMismatched or
 * FaceUnverifiable. Then the photo is deleted. Idempotent: the verdict's command id derives
 * from the scan's event, so a redelivered scan is answered by what was recorded; and a scan
 * no longer held (judged already, replaced by a later scan, or checked in by hand) is only
 * cleaned up after.
 */
export class FaceVerification implements WorkerReactor {
  readonly name = 'face-verification';
  readonly categories = ['checkin'];

  constructor(private readonly deps: FaceVerificationDependencies) {}

  reactsTo(event: IntegrationEvent): boolean {
    return event.type === 'CheckInAwaitingFace';
  }

  async handle(event: IntegrationEvent): Promise<void> {
    if (!this.reactsTo(event)) return;
    const { scanId, attendeeId } = event.data;
    if (typeof scanId !== 'string' || typeof attendeeId !== 'string') return;
    const scan: HeldScan = { streamId: event.streamId, scanId };
    const { commands, photos } = this.deps;
    const state = await commands.load(checkInDecider, scan.streamId);
    if (state.status === 'awaiting_face' && state.check.scanId === scanId) {
      const verdict = await this.judge(scan, attendeeId);
      const result = await commands.handle(checkInDecider, scan.streamId, { type: 'RecordFaceVerdict', data: { scanId, verdict } }, this.contextOf(event));
      if (result.events.length > 0)
        this.deps.log?.info({ reactor: this.name, ...causedBy(event), result: scanResultOf(result.events) }, `reactor ${this.name}: ${scanResultOf(result.events)}`);
    }
    await photos.discard(scan);
  }

  /** What the models make of the photo; no photo or no enrolled face is a verdict too, and so is a photo they cannot read. */
  private async judge(scan: HeldScan, attendeeId: string): Promise<FaceVerdict> {
    const enrolled = await this.deps.embeddings.open(attendeeId);
    if (enrolled.length === 0) return { outcome: 'not_enrolled' };
    const photo = await this.deps.photos.open(scan);
    if (!photo) return { outcome: 'photo_expired' };
    try {
      const { similarity, threshold, liveness, livenessThreshold, modelVersions } = await this.deps.engine.verify(photo, enrolled);
      return { outcome: 'compared', similarity, threshold, liveness, livenessThreshold, modelVersions };
    } catch (error) {
      // No face, no image, a decompression bomb: the photo's fault, which a retry cannot mend.
      if (error instanceof FaceRefusal) return { outcome: 'unreadable' };
      throw error;
    }
  }

  private contextOf(event: IntegrationEvent): CommandContext {
    const commandId = deterministicId('face-verdict', event.id);
    return { commandId, actorId: SYSTEM.accountId, ...causedBy(event), now: new Date() };
  }
}
