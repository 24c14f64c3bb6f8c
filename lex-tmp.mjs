import { Worker } from 'node:worker_threads';
const w = new Worker(new URL('./src/ml/face/misbehaving-face-worker.fixture.mjs#fails-to-start', import.meta.url));
w.on('error', (e) => console.log('error', e.message));
w.on('exit', (c) => console.log('exit', c));
w.on('message', (m) => console.log('msg', m));
