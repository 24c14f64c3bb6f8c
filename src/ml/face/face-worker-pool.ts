// sharp must be loaded by the main thread before any worker loads it: on glibc Linux a
// worker's exit can otherwise unload libvips under the others (sharp's "worker threads" docs).
import 'sharp';
import { Worker } from 'node:worker_threads';
import { FaceRefusal } from './face-engine.js';
import type { WorkerAnswer, WorkerQuestion, WorkerSettings } from './face-worker-protocol.js';
import type { DecodingLimits } from './photo-decoding.js';
import type { PhotoExamination } from './photo-examination.js';

export interface FaceWorkerPoolOptions {
  /** Worker threads; each holds the four models (about 60 MB) and uses about one core. */
  size: number;
  /** A photo taking longer than this on its worker fails, and the worker is replaced. */
  jobTimeoutMs: number;
  limits: DecodingLimits;
  /** The worker's script; specs substitute one that misbehaves. */
  workerUrl?: URL;
}

interface Job {
  photo: Uint8Array;
  resolve: (examination: PhotoExamination) => void;
  reject: (error: Error) => void;
}

interface Running {
  job: Job;
  id: number;
  timer: NodeJS.Timeout;
}

const FACE_WORKER = new URL('./face-worker.mjs', import.meta.url);

/**
 * Worker threads that examine photos, one at a time each, queued in arrival order. A worker
 * that dies or overruns its job fails that job alone and is replaced at once; one that fails
 * to start fails the jobs waiting (the models are missing, say) and is retried on the next job
 * rather than in a loop.
 *
 * Workers are stopped by asking (face-worker.ts exits once no model call is in flight) and
 * terminated only when they do not exit within a job's time: terminating one in the middle of
 * an onnxruntime call aborts the process.
 */
export class FaceWorkerPool {
  /** Every worker alive and not retiring, started or starting. */
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Running>();
  private readonly queue: Job[] = [];
  private readonly exits = new Map<Worker, Promise<void>>();
  private nextId = 1;
  private closed = false;
  private replaced = 0;

  constructor(private readonly options: FaceWorkerPoolOptions) {
    for (let i = 0; i < options.size; i++) this.start();
  }

  examine(photo: Uint8Array): Promise<PhotoExamination> {
    if (this.closed) return Promise.reject(new Error('The face worker pool is closed'));
    // Checked here too, so an oversized body is not copied to a worker only to be refused there.
    const { maxBytes } = this.options.limits;
    if (photo.byteLength > maxBytes)
      return Promise.reject(new FaceRefusal('IMAGE_TOO_LARGE', `The photo is ${photo.byteLength} bytes, more than the ${maxBytes} accepted`));
    return new Promise((resolve, reject) => {
      this.queue.push({ photo, resolve, reject });
      this.dispatch();
    });
  }

  /** Workers replaced after dying or overrunning a job: none, unless something is wrong. */
  get restarts(): number {
    return this.replaced;
  }

  /** Fails what is waiting or running, and resolves once every worker has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('The face worker pool closed before the photo was examined'));
    for (const [, { job, timer }] of this.running) {
      clearTimeout(timer);
      job.reject(new Error('The face worker pool closed while the photo was examined'));
    }
    this.running.clear();
    this.idle.splice(0);
    for (const worker of this.workers) this.retire(worker);
    this.workers.clear();
    await Promise.all(this.exits.values());
  }

  private start(): void {
    const settings: WorkerSettings = { limits: this.options.limits };
    const worker = new Worker(this.options.workerUrl ?? FACE_WORKER, { workerData: settings });
    this.workers.add(worker);
    let ready = false;
    let failure: Error | undefined;
    worker.on('message', (answer: WorkerAnswer) => {
      if (!('ready' in answer)) this.settle(worker, answer);
      else if (this.workers.has(worker)) {
        ready = true;
        this.idle.push(worker);
        this.dispatch();
      }
    });
    worker.on('error', (error) => (failure = error));
    this.exits.set(
      worker,
      new Promise((resolve) =>
        worker.once('exit', (code) => {
          this.exits.delete(worker);
          resolve();
          // A retired worker was replaced when it was retired.
          if (!this.workers.delete(worker) || this.closed) return;
          const why = failure?.message ?? `exit code ${code}`;
          if (!ready) {
            // Nothing would start a worker for them: those waiting fail now, the next job tries again.
            if (this.workers.size === 0) for (const job of this.queue.splice(0)) job.reject(new Error(`A face worker failed to start: ${why}`));
            return;
          }
          const index = this.idle.indexOf(worker);
          if (index >= 0) this.idle.splice(index, 1);
          const running = this.running.get(worker);
          if (running) {
            this.running.delete(worker);
            clearTimeout(running.timer);
            running.job.reject(new Error(`The face worker examining the photo stopped (${why})`));
          }
          this.replaced++;
          this.start();
        }),
      ),
    );
  }

  private dispatch(): void {
    if (this.closed) return;
    while (this.queue.length > 0 && this.idle.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.overrun(worker), this.options.jobTimeoutMs);
      this.running.set(worker, { job, id, timer });
      // A copy of just the photo's bytes, handed over: posting the caller's view would clone all
      // of the buffer beneath it (a whole upload, or Node's shared pool), and copy it twice.
      const photo = new Uint8Array(job.photo);
      worker.postMessage({ id, photo } satisfies WorkerQuestion, [photo.buffer]);
    }
    if (this.queue.length > 0 && this.workers.size < this.options.size) this.start();
  }

  private settle(worker: Worker, answer: Exclude<WorkerAnswer, { ready: true }>): void {
    const running = this.running.get(worker);
    if (!running || running.id !== answer.id) return;
    this.running.delete(worker);
    clearTimeout(running.timer);
    this.idle.push(worker);
    if ('examination' in answer) running.job.resolve(answer.examination);
    else if ('refusal' in answer) running.job.reject(new FaceRefusal(answer.refusal.code, answer.refusal.message));
    else running.job.reject(new Error(`Examining the photo failed: ${answer.error}`));
    this.dispatch();
  }

  /** The job fails now and a new worker takes the old one's place; the old one stops when it can. */
  private overrun(worker: Worker): void {
    const running = this.running.get(worker);
    if (!running) return;
    this.running.delete(worker);
    running.job.reject(new Error(`Examining the photo took longer than ${this.options.jobTimeoutMs} ms`));
    this.workers.delete(worker);
    this.retire(worker);
    this.replaced++;
    this.start();
  }

  /** Asks the worker to stop; terminates it if it has not within a job's time (stuck in a loop, say). */
  private retire(worker: Worker): void {
    worker.postMessage({ stop: true } satisfies WorkerQuestion);
    const deadline = setTimeout(() => void worker.terminate(), this.options.jobTimeoutMs);
    void this.exits.get(worker)?.then(() => clearTimeout(deadline));
  }
}
