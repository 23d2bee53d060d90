import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guardSection } from '../../src/analysis/guard-section.js';
import type { RunDir } from '../../src/analysis/run-dir.js';
import type { GuardSummary } from '../../src/faults/metrics/guard-summary.js';

/** A guard summary with the given kind, proven bound and measured max. */
function guardSummary(kind: 'analytic' | 'profiled', proven: number, max: number): GuardSummary {
  return {
    kind,
    bounds: [2, 3],
    provenDeltaLoss: proven,
    injections: 100,
    detected: 4,
    deltaLoss: { n: 96, mean: 0.5, max, quantiles: [0.5, 0.9, 0.99, 0.999].map((p) => ({ p, value: p })) },
    layers: [],
  };
}

const run = (campaigns: { name: string; guard?: GuardSummary }[]) =>
  ({
    campaigns: campaigns.map((c) => ({ name: c.name, summary: c.guard ? { guard: c.guard } : {} })),
  }) as unknown as RunDir;

test('guard section: the guarded campaigns of both runs, side by side by folder, baseline first', () => {
  const rows = guardSection(
    run([{ name: 'fp32' }, { name: 'fp32-guard', guard: guardSummary('profiled', 40, 12) }]),
    run([
      { name: 'fp16-guard', guard: guardSummary('analytic', 9.5, 3.25) },
      { name: 'fp32-guard', guard: guardSummary('analytic', 9.5, 2) },
    ]),
  );
  assert.deepEqual(
    rows.map((r) => [r.campaign, r.model, r.guard.kind, r.guard.deltaLoss.max]),
    [
      ['fp16-guard', 'textGuided', 'analytic', 3.25],
      ['fp32-guard', 'baseline', 'profiled', 12],
      ['fp32-guard', 'textGuided', 'analytic', 2],
    ],
  );
  assert.deepEqual(guardSection(run([{ name: 'fp32' }]), run([])), []);
});
