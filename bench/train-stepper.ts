/**
 * Worker-thread vs inline training steps: the same ResNet-20 epoch on Fashion-MNIST both ways, reporting img/s and
 * the main thread's worst event-loop stall (what the worker exists to remove), medians over --runs.
 *   npx tsx bench/train-stepper.ts [--images 2048] [--runs 3] [--threads 2]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { train } from '../src/train/train.js';
import type { StepperMode } from '../src/train/stepper.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '2048' }, runs: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } } });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function once(stepper: StepperMode): Promise<{ imgPerSec: number; stallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const r = await train({
    backbone: 'resnet20', dataset: 'fashion-mnist', recipe: 'fashion-quick', epochs: 1, limitTrain: Number(values.images), limitTest: 256,
    threads: Number(values.threads), stepper, quiet: true, out: mkdtempSync(join(tmpdir(), 'tgr-bench-')),
  });
  h.disable();
  return { imgPerSec: r.epochs[0]!.imgPerSec, stallMs: h.max / 1e6 };
}

const results: Record<string, { imgPerSec: number[]; stallMs: number[] }> = { worker: { imgPerSec: [], stallMs: [] }, inline: { imgPerSec: [], stallMs: [] } };
for (let i = 0; i < Number(values.runs); i++) {
  // Alternate so background load drifts hit both alike.
  for (const mode of ['worker', 'inline'] as const) {
    const r = await once(mode);
    results[mode]!.imgPerSec.push(r.imgPerSec);
    results[mode]!.stallMs.push(r.stallMs);
  }
}
const w = results.worker!;
const n = results.inline!;
console.log(`worker: ${median(w.imgPerSec).toFixed(1)} img/s, worst event-loop stall ${median(w.stallMs).toFixed(0)} ms`);
console.log(`inline: ${median(n.imgPerSec).toFixed(1)} img/s, worst event-loop stall ${median(n.stallMs).toFixed(0)} ms`);
console.log(`worker/inline throughput ${(median(w.imgPerSec) / median(n.imgPerSec)).toFixed(3)}×`);
