// A worker thread runs plain Node, which cannot load TypeScript: under vitest (whose module
// runner is not in workers) as under `node --import tsx` (whose hooks a worker may or may not
// inherit), tsx's scoped import loads face-worker.ts and what it imports either way.
import { tsImport } from 'tsx/esm/api';

await tsImport('./face-worker.ts', import.meta.url);
