/**
 * Worker-thread entry: calibrates one level (calibratedLevel) and posts it back, so the thread that asked can go on
 * with other work meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../core/module-worker.js';
import { calibratedLevel, type SequentialSetting } from './sequential-level.js';

const port = parentPort;
if (!port) throw new Error('level-worker.ts must run in a worker thread');
try {
  port.postMessage({ level: calibratedLevel(workerData as SequentialSetting) });
} catch (e) {
  port.postMessage({ error: toWireError(e) });
}
