/**
 * What the golden pass's kept activations cost and buy (issue 14): the golden pass and the campaigns with the kept set
 * as it was until 2026-12-06 (every scores/layer-output/layer-input tensor of ≤ 4,096 values per image: on ResNet-20
 * the whole last stage) against `keptTensors` (what the runner can serve units from: the analytic and last layers).
 * Per round and side: the golden pass (with golden-activations.bin written, as `tgr inject` does), reading the file
 * back (readGoldenActivations, as every campaign does), a per-layer campaign over every layer, a campaign on the
 * last layers only, and one on the layers only the old set served from kept rows ('lost'). Sides alternate, order flipped each round; medians of wall seconds and CPU seconds (all threads;
 * the CPU figure moves less with other processes' load). Records of both sides are checked byte-identical.
 *
 *   npx tsx bench/golden-kept.ts --model runs/NAME/text-guided/model.onnx [--dataset fashion-mnist] [--images 10000]
 *     [--per-layer 512] [--last 4096] [--rounds 3] [--threads 2]
 */
import './tuned.js';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataset } from '../src/data/registry.js';
import { loadClassifier, type Classifier } from '../src/faults/model/classifier.js';
import { goldenRun, readGoldenActivations } from '../src/faults/run/golden.js';
import { imageSetFromDataset } from '../src/faults/run/images.js';
import { keptTensors, perImageValues } from '../src/faults/run/kept-tensors.js';
import { planCampaign } from '../src/faults/plan/plan.js';
import { runCampaign } from '../src/faults/run/runner.js';
import { LayerInjector } from '../src/faults/run/injector.js';
import { KeptUnits, unitTensors } from '../src/faults/run/unit-cache.js';

const argv = process.argv.slice(2);
const opt = (k: string, d: string) => (argv.includes(`--${k}`) ? argv[argv.indexOf(`--${k}`) + 1]! : d);
const model = opt('model', '');
const images = Number(opt('images', '10000'));
const perLayer = Number(opt('per-layer', '512'));
const last = Number(opt('last', '4096'));
const rounds = Number(opt('rounds', '3'));
const threads = Number(opt('threads', '2'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const clf = await loadClassifier(model, { threads });
const ds = await openDataset(opt('dataset', 'fashion-mnist'));
const set = imageSetFromDataset(ds, 'test');
const dir = mkdtempSync(join(tmpdir(), 'tgr-bench-kept-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** The kept set before keptTensors: scores, layer outputs and inputs of at most 4,096 values per image. */
function sizeRule(c: Classifier): string[] {
  const names = [c.output.name, ...c.layers.flatMap((l) => [l.tensor, l.input])].filter((t) => t !== c.input.name);
  return [...new Set(names)].filter((t) => perImageValues(c, t) <= 4096);
}

const sides = { size: sizeRule(clf), runner: keptTensors(clf).map((t) => t.name) };
type Side = keyof typeof sides;
// Layers the size rule served from kept rows and keptTensors leaves to a unit forward pass (ResNet-20: the last stage).
const covered = (names: string[]) => {
  const kept = new Map(names.map((t) => [t, { size: 0, data: new Float32Array() }]));
  return clf.layers
    .filter((l) => KeptUnits.covers(kept, clf, unitTensors(new LayerInjector(clf, clf.model, l), 'neurons')))
    .map((l) => l.name);
};
const runnerCovered = covered(sides.runner);
const lost = covered(sides.size).filter((l) => !runnerCovered.includes(l));
const steps = ['golden', 'read', 'per-layer', 'last', ...(lost.length ? ['lost'] : [])] as const;
const wall: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
const records = new Map<string, Buffer>();
const bytes: Partial<Record<Side, number>> = {};

let lostDiff = '';

/** How two record files of the same plan differ: records, original values, faulty top-1, faulty loss. */
function recordDiff(a: Buffer, b: Buffer): string {
  const parse = (x: Buffer) =>
    x
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"id"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const [ra, rb] = [parse(a), parse(b)];
  const count = (k: string) => ra.filter((x, i) => JSON.stringify(x[k]) !== JSON.stringify(rb[i]![k])).length;
  const lines = ra.filter((x, i) => JSON.stringify(x) !== JSON.stringify(rb[i])).length;
  return `${lines} of ${ra.length} records differ: original ${count('original')}, faultyTop1 ${count('faultyTop1')}, faultyLoss ${count('faultyLoss')}, masked ${count('masked')}`;
}

/** Times `f` into the `side`/`step` series. */
async function timed<T>(side: Side, step: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const c = process.cpuUsage();
  const out = await f();
  const u = process.cpuUsage(c);
  (wall[`${side} ${step}`] ??= []).push((performance.now() - t) / 1000);
  (cpu[`${side} ${step}`] ??= []).push((u.user + u.system) / 1e6);
  return out;
}

for (let r = 0; r < rounds; r++) {
  for (const side of (r % 2 ? ['runner', 'size'] : ['size', 'runner']) as Side[]) {
    const d = join(dir, side);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
    const out = join(d, 'golden.json');
    const golden = await timed(side, 'golden', () =>
      goldenRun({ classifier: clf, images: set, limit: images, threads, quiet: true, keep: sides[side], out }),
    );
    bytes[side] = statSync(join(d, 'golden-activations.bin')).size;
    const activations = await timed(side, 'read', () => readGoldenActivations(out, golden));
    for (const [step, layers, n] of [
      ['per-layer', undefined, perLayer],
      ['last', clf.lastLayers, last],
      ...(lost.length ? [['lost', lost, perLayer] as const] : []),
    ] as const) {
      const plan = planCampaign({ classifier: clf, golden, perLayer: n, layers, seed: 1, batchSize: 128 });
      const cdir = join(d, step);
      await timed(side, step, () =>
        runCampaign({ classifier: clf, golden, plan, images: set, dir: cdir, threads, quiet: true, activations }),
      );
      const rec = readFileSync(join(cdir, 'faults.jsonl'));
      const prev = records.get(step);
      // 'lost' runs from kept rows on one side and a unit forward pass on the other: ORT computes the prefix in
      // another graph there (fewer outputs, other fusions), so its values may differ in their last bits.
      if (prev && !prev.equals(rec) && step !== 'lost')
        throw new Error(`${step}: records differ between the two kept sets (round ${r})`);
      if (prev && step === 'lost') lostDiff = recordDiff(prev, rec);
      records.set(step, rec);
    }
  }
}

const fmt = (x: number) => x.toFixed(2);
console.log(
  `${model}: ${images} images, per-layer ${perLayer}, last layers ${last} each, ${rounds} rounds, ${threads} threads`,
);
for (const side of ['size', 'runner'] as Side[])
  console.log(`${side}: ${sides[side].length} tensors kept, ${(bytes[side]! / 2 ** 20).toFixed(1)} MiB`);
console.log(`lost: layers served from kept rows by the size rule only: ${lost.join(', ') || 'none'}`);
for (const step of steps)
  console.log(
    `${step.padEnd(9)} size ${fmt(median(wall[`size ${step}`]!))} s (cpu ${fmt(median(cpu[`size ${step}`]!))}) · runner ${fmt(median(wall[`runner ${step}`]!))} s (cpu ${fmt(median(cpu[`runner ${step}`]!))})   runs: ${wall[`size ${step}`]!.map(fmt).join(', ')} | ${wall[`runner ${step}`]!.map(fmt).join(', ')}`,
  );
console.log('per-layer and last-layer records byte-identical between the two kept sets');
if (lost.length) console.log(`lost (kept rows against a unit forward pass): ${lostDiff}`);
