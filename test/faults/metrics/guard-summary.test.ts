import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardAccumulator, guardLine, quantileSorted } from '../../../src/faults/metrics/guard-summary.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';

test('quantiles interpolate between order statistics (type 7)', () => {
  const xs = [1, 2, 3, 4];
  assert.deepEqual(
    [0, 0.5, 0.75, 1].map((p) => quantileSorted(xs, p)),
    [1, 2.5, 3.25, 4],
  );
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});

test('guard summary: detected and non-finite injections are left out of ΔLoss, masked ones count as 0', () => {
  const rec = (id: number, layer: string, faultyLoss: number | null, extra: Partial<InjectionRecord> = {}) =>
    ({
      id,
      layer,
      image: 0,
      index: 0,
      bit: 30,
      original: 1,
      faulty: 2,
      goldenTop1: 0,
      faultyTop1: 0,
      goldenLoss: 0.5,
      faultyLoss,
      nonFinite: faultyLoss === null,
      ...extra,
    }) satisfies InjectionRecord;
  const acc = new GuardAccumulator();
  [
    rec(0, 'a', 0.75),
    rec(1, 'a', 40, { detected: true }),
    rec(2, 'a', null, { detected: true }),
    rec(3, 'b', 0.5, { masked: true }),
    rec(4, 'b', 2.5),
  ].forEach((r) => acc.add(r));
  const plan = {
    guard: 'analytic',
    guardBounds: [3, 4],
    guardDeltaLossBound: 7.25,
    layers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
  } as unknown as CampaignPlan;
  const s = acc.result(plan)!;
  assert.deepEqual(s, {
    kind: 'analytic',
    bounds: [3, 4],
    provenDeltaLoss: 7.25,
    injections: 5,
    detected: 2,
    deltaLoss: {
      n: 3,
      mean: 0.75,
      max: 2,
      quantiles: [
        { p: 0.5, value: 0.25 },
        { p: 0.9, value: 0.25 + 0.8 * 1.75 },
        { p: 0.99, value: 0.25 + 0.98 * 1.75 },
        { p: 0.999, value: 0.25 + 0.998 * 1.75 },
      ],
    },
    layers: [
      { layer: 'a', injections: 3, detected: 2, maxDeltaLoss: 0.25 },
      { layer: 'b', injections: 2, detected: 0, maxDeltaLoss: 2 },
      { layer: 'c', injections: 0, detected: 0, maxDeltaLoss: 0 },
    ],
  });
  assert.equal(acc.result({ ...plan, guard: 'none' }), undefined);
  assert.equal(
    guardLine(s),
    'guard analytic: 2 of 5 detected (DUE); undetected ΔLoss max 2, p99 1.965, proven bound 7.25',
  );
});
