/**
 * How training steps run: in a worker thread or inline, with ORT's idle threads spin-waiting or not. The same
 * ResNet-20 epoch on Fashion-MNIST in each of the four ways, taken in turn, reporting img/s and the main thread's
 * worst event-loop stall (what the worker exists to remove), medians over --runs.
 *   npx tsx bench/train-stepper.ts [--images 2048] [--runs 3] [--threads 2]
 */
import './tuned.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { train } from '../src/train/train.js';
import type { StepperMode } from '../src/train/stepper.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '2048' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function once(stepper: StepperMode, spin: boolean): Promise<{ imgPerSec: number; stallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const r = await train({
    backbone: 'resnet20',
    dataset: 'fashion-mnist',
    recipe: 'fashion-quick',
    epochs: 1,
    limitTrain: Number(values.images),
    limitTest: 256,
    threads: Number(values.threads),
    stepper,
    spin,
    quiet: true,
    out: mkdtempSync(join(tmpdir(), 'tgr-bench-')),
  });
  h.disable();
  return { imgPerSec: r.epochs[0]!.imgPerSec, stallMs: h.max / 1e6 };
}

const ways = [
  ['worker', false],
  ['inline', false],
  ['worker', true],
  ['inline', true],
] as const;
const results = ways.map(() => ({ imgPerSec: [] as number[], stallMs: [] as number[] }));
for (let i = 0; i < Number(values.runs); i++) {
  // In turn, so background load drifts hit every way alike.
  for (const [k, [mode, spin]] of ways.entries()) {
    const r = await once(mode, spin);
    results[k]!.imgPerSec.push(r.imgPerSec);
    results[k]!.stallMs.push(r.stallMs);
  }
}
const ips = results.map((r) => median(r.imgPerSec));
ways.forEach(([mode, spin], k) => {
  console.log(
    `${mode.padEnd(6)} spinning ${spin ? 'on ' : 'off'}: ${ips[k]!.toFixed(1)} img/s (runs ${results[k]!.imgPerSec.map((v) => v.toFixed(0)).join(', ')}), worst event-loop stall ${median(results[k]!.stallMs).toFixed(0)} ms`,
  );
});
console.log(
  `worker/inline: ${(ips[0]! / ips[1]!).toFixed(2)}× (spinning off), ${(ips[2]! / ips[3]!).toFixed(2)}× (on); spinning off/on: ${(ips[0]! / ips[2]!).toFixed(2)}× (worker), ${(ips[1]! / ips[3]!).toFixed(2)}× (inline)`,
);
