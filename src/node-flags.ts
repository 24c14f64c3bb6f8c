/**
 * The flags every Rollcall process is started with: by `npm start`, the image's entry point
 * and the tests' and benchmarks' spawned roles (test/compose.unit.spec.ts holds them to it).
 *
 * A young generation of 64 MB rather than V8's 16: a busy api keeps hundreds of requests in
 * flight, whose objects outlive a small nursery and were copied, then promoted; under a
 * 30,000-person on-sale the api spent 15% less CPU per registration with it (README, On-sale).
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'] as const;
