import { fromWireError, spawnModuleWorker, type WireError } from '../core/module-worker.js';
import { calibratedLevel, type CalibratedLevel, type SequentialSetting } from './sequential-level.js';

/*
 * The level's calibration is a second or more of one core's arithmetic that a --halfwidth campaign needs before its
 * first stopping decision. Run on a thread of its own, it leaves the caller's thread free for work that does not
 * depend on it (the pilot's golden activations): both cores at work where one would wait.
 */

/**
 * calibratedLevel(s) computed on a worker thread: the same level, work count and worst point. Where no worker can be
 * started, it is computed on this thread instead.
 */
export function calibratedLevelInThread(s: SequentialSetting): Promise<CalibratedLevel> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const inline = () => {
      if (answered) return;
      answered = true;
      try {
        resolve(calibratedLevel(s));
      } catch (e) {
        reject(e);
      }
    };
    let worker: ReturnType<typeof spawnModuleWorker>;
    try {
      worker = spawnModuleWorker(new URL('./level-worker.js', import.meta.url), { workerData: s });
    } catch {
      inline();
      return;
    }
    worker.once('message', (m: { level: CalibratedLevel } | { error: WireError }) => {
      answered = true;
      void worker.terminate();
      if ('level' in m) resolve(m.level);
      else reject(fromWireError(m.error));
    });
    // A thread that could not run (no memory for it, a loader that failed) ends before it answers.
    worker.once('error', inline);
    worker.once('exit', inline);
  });
}
