import type { JobWorker } from '../jobs/job-runner.js';
import { DOOR_PHOTO_SWEEP_QUEUE } from '../jobs/queues.js';
import type { DoorPhotos } from '../personal-data/door-photos.js';

/** Every minute, pg-boss's finest schedule: a photo outlives its 10 minutes by at most about one more. */
export const DOOR_PHOTO_SWEEP_CRON = '* * * * *';

/**
 * Face verification's job: the sweep of door photos past DOOR_PHOTO_TTL_SECONDS, worked by
 * the projector's job workers, so that photos go on time however long the ml-worker is down.
 */
export const faceWorkers = (photos: DoorPhotos): JobWorker[] => [
  { queue: DOOR_PHOTO_SWEEP_QUEUE, cron: DOOR_PHOTO_SWEEP_CRON, work: async () => ({ swept: await photos.sweep() }) },
];
