/**
 * Ground truth for bit-stratified plans. A model small enough that every (layer, image, element, bit) site can be run
 * — 3×4×4 images, Conv 3→2 (32 outputs) → ReLU → Flatten → Gemm 32→3, six images — is injected exhaustively ONCE
 * with the runner, which gives the exact population values of the SDC rate, the critical rate (τ = 1) and the mean
 * ΔLoss per layer (the population uniform sampling draws from: image × element × bit, equally likely). Then, for 200
 * seeds, plans of the same n with `stratify: 'none'` and `'bit'` are drawn with the product's own planCampaign and
 * their records are looked up in the enumerated table instead of being re-run (the runner is deterministic, so a
 * lookup is what a run would write, and 400 campaigns cost milliseconds); the product's LayerAccumulator estimates
 * them. Three designs — uniform, bit-stratified with equal allocation, and Neyman from a 128-site pilot (itself
 * answered from the table) — must be unbiased for every metric (mean estimate within 3 standard errors of the truth),
 * and the 99% intervals of the SDC and critical rates must cover the truth in ≥ 97% of seeds (they do in 197–200).
 * The mean-ΔLoss interval (the paper's normal z·σ/√n, stratified) does NOT reach 97% at n = 256, and this is
 * reported, not tuned away: with the range detector on it covers 83–97.5% of seeds (a few clamped exponent flips
 * make the distribution skewed), with it off 55–70% (a handful of flips of 1e35 make the population mean and most
 * samples of 256 miss them). The test holds the detector-on coverage to ≥ 80% so a regression shows; the rates are
 * the metrics to trust.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import type { Model } from '../../../src/onnx/types.js';
import { Rng } from '../../../src/core/rng.js';
import { planCampaign, type CampaignPlan, type PlanOptions } from '../../../src/faults/plan/plan.js';
import { pilotPlan, strataSd } from '../../../src/faults/plan/pilot.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { readRecords } from '../../../src/faults/store/store.js';
import { LayerAccumulator } from '../../../src/faults/metrics/layer-accumulator.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';
import type { IntervalEstimate } from '../../../src/stats/stratified.js';
import { fixture, tempDir, type Fixture } from '../fixtures.js';

const seeds = 200;
const perLayer = 256;
const pilot = 128;
const bits = 32;

/** Conv 3→2 (3×3, pad 1) → ReLU → Flatten → Gemm 32→3: 32 + 3 injectable outputs per image. */
function tinyNet(): Model {
  const rng = new Rng(11);
  const draw = (dims: number[], scale: number) =>
    f32(
      dims,
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()),
    );
  const b = new GraphBuilder('tiny');
  const x = b.input('input', 'float32', ['N', 3, 4, 4]);
  const c = b.conv(
    x,
    b.initializer('conv.weight', draw([2, 3, 3, 3], 0.4)),
    b.initializer('conv.bias', draw([2], 0.1)),
    {
      name: 'conv',
      pads: [1, 1, 1, 1],
    },
  );
  const f = b.flatten(b.relu(c, { name: 'relu' }), { name: 'flatten' });
  const fc = b.gemm(f, b.initializer('fc.weight', draw([3, 32], 0.5)), b.initializer('fc.bias', draw([3], 0.1)), {
    name: 'fc',
    transB: 1,
  });
  b.output(fc, 'logits');
  return b.finishModel({ 'tgr.head': 'linear' });
}

/** Every site of every layer, one unit per image, run once: the outcome of each (layer, image, index, bit). */
async function enumerate(fx: Fixture, rangeDetector: boolean): Promise<Map<string, InjectionRecord>> {
  const { classifier, golden } = fx;
  const template = planCampaign({ classifier, golden, perLayer: 1, rangeDetector });
  const images = [...new Set(goldenImages(template, fx))];
  const plan: CampaignPlan = {
    ...template,
    batchSize: 512,
    units: [],
    sites: { layer: [], image: [], index: [], bit: [] },
  };
  for (const [gi, group] of plan.groups.entries())
    for (const image of images) {
      const start = plan.sites.layer.length;
      for (const li of group)
        for (let index = 0; index < plan.layers[li]!.elements; index++)
          for (let bit = 0; bit < bits; bit++) {
            plan.sites.layer.push(li);
            plan.sites.image.push(image);
            plan.sites.index.push(index);
            plan.sites.bit.push(bit);
          }
      plan.units.push({ start, end: plan.sites.layer.length, group: gi, images: [image] });
    }
  const dir = tempDir('ground-truth');
  await runCampaign({ ...fx, plan, dir, quiet: true });
  const table = new Map<string, InjectionRecord>();
  for (const r of readRecords(join(dir, 'faults.jsonl'))) table.set(key(r.layer, r.image, r.index, r.bit), r);
  assert.equal(table.size, plan.sites.layer.length);
  return table;
}

/** The pool the planner draws images from, read off a plan with enough sites to have seen every image. */
function goldenImages(template: CampaignPlan, fx: Fixture): number[] {
  const big = planCampaign({ classifier: fx.classifier, golden: fx.golden, perLayer: 4000, layers: ['fc'] });
  const seen = [...new Set(big.sites.image)].sort((a, b) => a - b);
  assert.equal(seen.length, template.pool, 'every pool image drawn');
  return seen;
}

const key = (layer: string, image: number, index: number, bit: number) => `${layer}/${image}/${index}/${bit}`;

interface Outcome {
  due: boolean;
  sdc: boolean;
  delta: number;
}

function outcome(r: InjectionRecord): Outcome {
  const due = r.nonFinite || r.detected === true || r.faultyLoss === null || !Number.isFinite(r.faultyLoss);
  return { due, sdc: !due && r.faultyTop1 !== r.goldenTop1, delta: due ? NaN : Math.abs(r.faultyLoss! - r.goldenLoss) };
}

type Metric = 'sdc' | 'critical' | 'mean';
const metrics: Metric[] = ['sdc', 'critical', 'mean'];

/** The population values of one layer: every site equally likely; mean ΔLoss over the finite outcomes. */
function truth(table: Map<string, InjectionRecord>, layer: string): Record<Metric, number> {
  let n = 0;
  let sdc = 0;
  let critical = 0;
  let finite = 0;
  let sum = 0;
  for (const r of table.values()) {
    if (r.layer !== layer) continue;
    const o = outcome(r);
    n++;
    if (o.sdc) sdc++;
    if (!o.due) {
      finite++;
      sum += o.delta;
      if (o.delta > 1) critical++;
    }
  }
  return { sdc: sdc / n, critical: critical / n, mean: sum / finite };
}

/** The product's estimates for one plan, its records looked up in the table. */
function estimates(
  plan: CampaignPlan,
  table: Map<string, InjectionRecord>,
): Map<string, Record<Metric, IntervalEstimate>> {
  const accs = plan.layers.map((l) => new LayerAccumulator(l.name, { weights: plan.strata?.weights ?? null }));
  plan.sites.layer.forEach((li, i) => {
    const l = plan.layers[li]!;
    accs[li]!.add(table.get(key(l.name, plan.sites.image[i]!, plan.sites.index[i]!, plan.sites.bit[i]!))!);
  });
  return new Map(
    accs.map((a) => {
      const m = a.summary();
      assert.equal(m.tau[1], 1);
      return [a.layer, { sdc: m.sdc, critical: m.critical[1]!, mean: m.meanDeltaLoss }];
    }),
  );
}

interface Check {
  layer: string;
  design: Design;
  metric: Metric;
  truth: number;
  /** Mean of the 200 estimates and its standard error. */
  mean: number;
  se: number;
  covered: number;
  /** Average interval half-width. */
  halfWidth: number;
  /**
   * Average se the estimator reports. Beside the sd of the estimates over seeds it shows what stratification buys
   * (Neyman's sd is ~25% below uniform's on fc) and what the rate intervals show of it: nothing, as Korn–Graubard caps
   * the effective n at the real n.
   */
  reportedSe: number;
}

type Design = 'none' | 'bit' | 'neyman';
const designs: Design[] = ['none', 'bit', 'neyman'];

/** The plan of one seed and design; Neyman's pilot (its own seeded sites) is answered from the table too. */
function planFor(
  fx: Fixture,
  table: Map<string, InjectionRecord>,
  design: Design,
  seed: number,
  rangeDetector: boolean,
) {
  const settings: PlanOptions = {
    classifier: fx.classifier,
    golden: fx.golden,
    perLayer,
    seed,
    rangeDetector,
    stratify: design === 'none' ? 'none' : 'bit',
  };
  if (design !== 'neyman') return planCampaign(settings);
  const p = pilotPlan(settings, pilot);
  const sd = strataSd(p);
  p.sites.layer.forEach((li, i) =>
    sd.add(table.get(key(p.layers[li]!.name, p.sites.image[i]!, p.sites.index[i]!, p.sites.bit[i]!))!),
  );
  return planCampaign({ ...settings, allocation: 'neyman', pilot, pilotSd: sd.sd() });
}

/** 200 seeds of each design: how the estimates of every layer and metric sit around the truth. */
function simulate(fx: Fixture, table: Map<string, InjectionRecord>, rangeDetector: boolean): Check[] {
  const out: Check[] = [];
  for (const design of designs) {
    const runs = Array.from({ length: seeds }, (_, seed) =>
      estimates(planFor(fx, table, design, seed, rangeDetector), table),
    );
    for (const layer of runs[0]!.keys()) {
      const t = truth(table, layer);
      for (const metric of metrics) {
        const e = runs.map((r) => r.get(layer)![metric]);
        const values = e.map((x) => x.value);
        const mean = values.reduce((a, v) => a + v, 0) / seeds;
        const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (seeds - 1));
        out.push({
          layer,
          design,
          metric,
          truth: t[metric],
          mean,
          se: sd / Math.sqrt(seeds),
          covered: e.filter((x) => x.lower <= t[metric] && t[metric] <= x.upper).length,
          halfWidth: e.reduce((a, x) => a + (x.upper - x.lower) / 2, 0) / seeds,
          reportedSe: e.reduce((a, x) => a + (Number.isFinite(x.se) ? x.se : 0), 0) / seeds,
        });
      }
    }
  }
  return out;
}

const fx = fixture(tinyNet(), 6);

function report(t: { diagnostic(m: string): void }, checks: Check[]): void {
  for (const c of checks)
    t.diagnostic(
      `${c.layer} ${c.design} ${c.metric}: truth ${c.truth.toPrecision(4)}, mean estimate ${c.mean.toPrecision(4)} ± ${c.se.toPrecision(2)} (se), sd over seeds ${(c.se * Math.sqrt(seeds)).toPrecision(3)}, coverage ${c.covered}/${seeds}, mean half-width ${c.halfWidth.toPrecision(3)}, mean reported se ${c.reportedSe.toPrecision(3)}`,
    );
}

/** Unbiased (always), and covered in at least `coverage` of the seeds. */
function assertSound(c: Check, coverage: number): void {
  const what = `${c.layer}, ${c.design}, ${c.metric}`;
  assert.ok(Number.isFinite(c.truth) && c.truth > 0, `${what}: the population value ${c.truth} is a real test`);
  assert.ok(
    Math.abs(c.mean - c.truth) <= 3 * c.se,
    `${what}: mean estimate ${c.mean} vs truth ${c.truth} (se ${c.se})`,
  );
  assert.ok(c.covered >= coverage * seeds, `${what}: 99% intervals cover the truth in ${c.covered}/${seeds} seeds`);
}

test('range detector on: uniform, equal and Neyman plans are unbiased; rate intervals cover the truth in ≥ 97% of seeds, mean ΔLoss in ≥ 80%', async (t) => {
  const f = await fx;
  const checks = simulate(f, await enumerate(f, true), true);
  report(t, checks);
  assert.equal(checks.length, 3 * 2 * 3);
  for (const c of checks) assertSound(c, c.metric === 'mean' ? 0.8 : 0.97);
});

test('range detector off: all three designs unbiased, rate intervals cover ≥ 97%; the heavy-tailed mean ΔLoss coverage is reported', async (t) => {
  const f = await fx;
  const table = await enumerate(f, false);
  const checks = simulate(f, table, false);
  report(t, checks);
  for (const c of checks) assertSound(c, c.metric === 'mean' ? 0 : 0.97);
  // The tail that makes this the hard case is there: some single flips move the loss by more than 1e30.
  const deltas = [...table.values()].map(outcome).filter((o) => !o.due);
  assert.ok(deltas.some((o) => o.delta > 1e30));
});
