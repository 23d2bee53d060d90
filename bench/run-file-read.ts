/**
 * Reading golden.json through its schema: a 10,000-image file with 25 layers (a ResNet-20's, plus the head), the
 * time of JSON.parse alone against readRunFile (parse + zod validation). Median of `--runs` reads after one warm-up.
 * With `--analysis PATH`, an analysis.json (e.g. a `tgr reproduce` run's) is timed the same way: its schema checks
 * every section to its leaves, and its reader revives ±∞ and NaN.
 *   node --import tsx bench/run-file-read.ts [--images 10000] [--runs 21] [--analysis runs/quick/analysis.json]
 */
import './tuned.js';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.js';
import type { GoldenRun } from '../src/run-folder/golden.js';
import { readRunFile, writeRunFile } from '../src/run-folder/run-file.js';

const { values } = parseArgs({
  options: { images: { type: 'string' }, runs: { type: 'string' }, analysis: { type: 'string' } },
});
const n = Number(values.images ?? 10000);
const runs = Number(values.runs ?? 21);
const rng = new Rng(0);
const golden: GoldenRun = {
  model: { path: 'runs/bench/model.onnx', sha256: 'ab'.repeat(32), head: 'linear', backbone: 'resnet20' },
  dataset: { name: 'cifar10', split: 'test' },
  indices: Array.from({ length: n }, (_, i) => i),
  labels: Array.from({ length: n }, () => rng.int(10)),
  preds: Array.from({ length: n }, () => rng.int(10)),
  losses: Array.from({ length: n }, () => rng.next() * 3),
  top2diff: Array.from({ length: n }, () => rng.next() * 100),
  accuracy: 0.9,
  layers: Array.from({ length: 25 }, (_, i) => ({
    name: `layer${i}`,
    tensor: `layer${i}_out`,
    opType: 'Conv',
    shape: [16, 32, 32],
    neurons: 16384,
    maxAbs: rng.next() * 10,
    meanAbs: rng.next(),
  })),
  lastLayers: ['layer24'],
  numClasses: 10,
};
const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-run-file-'));
const path = join(dir, 'golden.json');
writeRunFile('golden', path, golden);
const time = (fn: () => unknown): number => {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[runs >> 1]!;
};
const parse = time(() => JSON.parse(readFileSync(path, 'utf8')));
const read = time(() => readRunFile('golden', path));
console.log(
  `golden.json of ${n} images (${(statSync(path).size / 1e6).toFixed(2)} MB): JSON.parse ${parse.toFixed(1)} ms, readRunFile ${read.toFixed(1)} ms (median of ${runs})`,
);
if (values.analysis) {
  const a = values.analysis;
  const parseA = time(() => JSON.parse(readFileSync(a, 'utf8')));
  const readA = time(() => readRunFile('analysis', a));
  console.log(
    `${a} (${(statSync(a).size / 1e6).toFixed(2)} MB): JSON.parse ${parseA.toFixed(1)} ms, readRunFile ${readA.toFixed(1)} ms (median of ${runs})`,
  );
}
rmSync(dir, { recursive: true, force: true });
