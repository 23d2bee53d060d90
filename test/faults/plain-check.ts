/** The plain-path check shared by the exactness tests: run a campaign, recompute every fault on the whole model. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Model } from '../../src/onnx/types.js';
import { planCampaign, type Target } from '../../src/faults/plan/plan.js';
import { runCampaign } from '../../src/faults/run/runner.js';
import { PlainInjector, WeightPlain } from '../../src/faults/run/plain.js';
import { rangeClamp, modelWithDetector } from '../../src/faults/run/range-detector.js';
import { readRecords } from '../../src/faults/store/store.js';
import type { EvalPath } from '../../src/faults/run/injector.js';
import { guardTrips } from '../../src/faults/run/guard.js';
import type { CampaignPlan } from '../../src/faults/plan/plan.js';
import type { InjectionRecord } from '../../src/faults/store/records.js';
import { tempDir, type Fixture } from './fixtures.js';
import { heldLayer, heldWeight } from '../../src/faults/run/held.js';
import { numberFormat } from '../../src/faults/formats/registry.js';
import { UnitForward } from '../../src/faults/run/unit-cache.js';
import { rowOf, type UnitCache } from '../../src/faults/run/injector.js';

/** |a − b| ≤ 1e-5 · max(1, max |b| of the row); non-finite values must match exactly (NaN with NaN). */
export function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  let scale = 1;
  for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  a.forEach((x, j) => {
    const y = b[j]!;
    if (!Number.isFinite(x) || !Number.isFinite(y))
      return assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}[${j}]: ${x} vs ${y}`);
    assert.ok(Math.abs(x - y) <= 1e-5 * scale, `${what}[${j}]: runner ${x}, plain ${y}`);
  });
}

/**
 * Runs a campaign and recomputes every fault on the plain path — the whole model with the one element (or weight)
 * changed — returning the paths the runner took per layer.
 */
export async function checkAgainstPlain(
  fx: Fixture,
  target: Target,
  rangeDetector: boolean,
  opts: {
    perLayer?: number;
    layers?: string[];
    guard?: string;
    /** Sites of each layer take bits 0, 1, …, 31, 0, … in turn (single-bit plans), so every bit is exercised. */
    everyBit?: boolean;
    /** Number format of the plan (default fp32). */
    format?: string;
    /** Sees the plan and the records after the check. */
    inspect?: (plan: CampaignPlan, records: InjectionRecord[]) => void;
  } = {},
): Promise<Map<string, Record<EvalPath, number>>> {
  const { classifier: clf, golden, images } = fx;
  const plan = planCampaign({
    classifier: clf,
    golden,
    perLayer: opts.perLayer ?? 24,
    layers: opts.layers,
    target,
    rangeDetector,
    guard: opts.guard,
    format: opts.format,
    seed: 7,
    batchSize: 16,
  });
  if (opts.everyBit) {
    const next = new Map<number, number>();
    plan.sites.layer.forEach((li, i) => {
      const k = next.get(li) ?? 0;
      plan.sites.bit[i] = k % 32;
      next.set(li, k + 1);
    });
  }
  const { records, scores } = await runScored(fx, plan);
  const model: Model = modelWithDetector(clf.model, golden.layers, rangeDetector);
  const K = clf.output.classes;
  const byLayer = new Map<string, Record<EvalPath, number>>();
  for (const pl of plan.layers) {
    const recs = records.filter((r) => r.layer === pl.name);
    const counts = { masked: 0, analytic: 0, suffix: 0, plain: 0 };
    recs.forEach((r) => counts[scores.get(r.id)!.path]++);
    byLayer.set(pl.name, counts);
    const layer = clf.layers.find((l) => l.name === pl.name)!;
    let plain: Float32Array;
    if (target === 'neurons') {
      // In a network emulated in the plan's format the fault lands on the stored value (after the quantizer): a
      // flip of shared bits (a BFP block's exponent) changes the whole block, and a clamped value is stored in the
      // format again, with its golden block's context.
      const fmt = numberFormat(opts.format ?? 'fp32');
      const held = heldLayer(clf.model, layer, fmt);
      const inj = await PlainInjector.create(clf, model, held?.tensor ?? layer.tensor);
      let stored: UnitCache | undefined;
      if (held) {
        const f = await UnitForward.create(clf, model, [held.tensor]);
        stored = await f.run(
          images,
          recs.map((r) => r.image),
        );
        await f.release();
      }
      const change = (r: InjectionRecord, k: number) => {
        if (!held)
          return {
            index: Int32Array.of(r.index),
            value: Float32Array.of(rangeDetector ? rangeClamp(r.faulty, pl.bound) : r.faulty),
          };
        const row = rowOf(stored!.tensors[held.tensor]!, k);
        const shared = (r.bits ?? [r.bit]).filter((b) => ((fmt.shared ?? 0) >>> b) & 1);
        const group = shared.length ? held.group(r.index).filter((j) => j !== r.index) : [];
        const ctx = held.context(row, r.index);
        const values = [r.faulty, ...group.map((j) => fmt.flip(row[j]!, shared, ctx))];
        return {
          index: Int32Array.from([r.index, ...group]),
          value: Float32Array.from(values, (v, i) =>
            rangeDetector ? held.hold(rangeClamp(v, pl.bound), row, i ? group[i - 1]! : r.index) : v,
          ),
        };
      };
      plain = await inj.run(await images.pixels(recs.map((r) => r.image)), recs.map(change));
      await inj.release();
    } else {
      // A flip of a held weight's shared bits (a BFP block's exponent) changes every weight of its block.
      const fmt = numberFormat(opts.format ?? 'fp32');
      const held = heldWeight(clf.model, layer, fmt);
      const stored = clf.model.graph.initializers.get(layer.weight!)!.data as Float32Array;
      const wp = await WeightPlain.create(clf, model, layer.weight!);
      plain = new Float32Array(recs.length * K);
      for (const [k, r] of recs.entries()) {
        const shared = (r.bits ?? [r.bit]).filter((b) => ((fmt.shared ?? 0) >>> b) & 1);
        const group = held && shared.length ? held.group(r.index).filter((j) => j !== r.index) : [];
        const ctx = held?.context(r.index);
        const change = {
          index: Int32Array.from([r.index, ...group]),
          value: Float32Array.from([r.faulty, ...group.map((j) => fmt.flip(stored[j]!, shared, ctx))]),
        };
        plain.set(await wp.run(await images.pixels([r.image]), 1, change), k * K);
      }
      await wp.release();
    }
    recs.forEach((r, k) => {
      const row = plain.subarray(k * K, (k + 1) * K);
      assertClose(scores.get(r.id)!.s, row, `${pl.name} fault ${r.id} (${scores.get(r.id)!.path})`);
      if (plan.guardBounds)
        assert.equal(r.detected ?? false, guardTrips(plan.guardBounds, row), `${pl.name} fault ${r.id}: guard`);
    });
  }
  opts.inspect?.(plan, records);
  return byLayer;
}

/** Runs `plan` on the fixture in a fresh folder (shortcuts off: every fault through its suffix); its records and scores. */
export async function runScored(
  fx: Fixture,
  plan: CampaignPlan,
  shortcuts = true,
): Promise<{ records: InjectionRecord[]; scores: Map<number, { s: Float32Array; path: EvalPath }> }> {
  const dir = tempDir('exact');
  const scores = new Map<number, { s: Float32Array; path: EvalPath }>();
  await runCampaign({
    ...fx,
    classifier: fx.classifier,
    plan,
    dir,
    quiet: true,
    shortcuts,
    onScores: (id, s, path) => scores.set(id, { s: s.slice(), path }),
  });
  const records = readRecords(join(dir, 'faults.jsonl'));
  assert.equal(records.length, plan.sites.layer.length);
  return { records, scores };
}

export const sum = (m: Map<string, Record<EvalPath, number>>, p: EvalPath, layers?: string[]) =>
  [...m].filter(([l]) => !layers || layers.includes(l)).reduce((s, [, c]) => s + c[p], 0);
