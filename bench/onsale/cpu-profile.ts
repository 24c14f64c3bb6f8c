/**
 * Preloaded (`--import`) into a server process when ONSALE_PROFILE names a folder: records a
 * V8 CPU profile and writes it there as the process exits. Node refuses `--cpu-prof` in
 * NODE_OPTIONS, and the servers are spawned as `npm start` spawns them, without extra flags.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.ONSALE_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // The main thread's session answers synchronously, so the profile is written before the process ends.
  process.on('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${process.argv[2] ?? 'node'}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }),
  );
}
