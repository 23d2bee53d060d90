import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import type { FormatComparison } from '../../src/analysis/compare.js';
import { formatGolden, formatsSection } from '../../src/analysis/formats-section.js';
import type { RunDir } from '../../src/analysis/run-dir.js';
import { handPair, tempDir } from './fixtures.js';
import { formatsPair } from './formats-fixture.js';

const options = { cam: { count: 0 }, bootstrap: { resamples: 100 } } as const;
const valueOnly = (accuracy: number, network = 'fp32') => ({ accuracy, basis: 'value-only', network });

test('formats section: formats in the comparison order, golden runs, campaigns by kind (plain, detector, guard)', async (t) => {
  const root = tempDir('formats-section');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...formatsPair(root), ...options });
  assert.deepEqual(a.formats, [
    {
      format: 'fp32',
      baseline: valueOnly(0.75),
      textGuided: valueOnly(1),
      campaigns: [{ campaign: 'fp32', kind: 'plain' }],
    },
    {
      format: 'bf16',
      baseline: valueOnly(0.75),
      textGuided: valueOnly(1),
      campaigns: [{ campaign: 'bf16-rd', kind: 'range detector' }],
    },
    {
      format: 'fp16',
      baseline: valueOnly(0.75),
      textGuided: valueOnly(1),
      campaigns: [
        { campaign: 'fp16', kind: 'plain' },
        { campaign: 'fp16-rd', kind: 'range detector' },
        { campaign: 'fp16-guard', kind: 'score guard' },
      ],
    },
  ]);
});

test('formats section: golden runs of an emulated network are whole-network in its format only', async (t) => {
  const root = tempDir('formats-emulated');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...formatsPair(root, 'fp16'), ...options });
  assert.deepEqual(
    a.formats!.map((e) => [e.format, e.baseline, e.textGuided]),
    [
      ['fp32', valueOnly(0.75, 'fp16'), valueOnly(1, 'fp16')],
      ['bf16', valueOnly(0.75, 'fp16'), valueOnly(1, 'fp16')],
      [
        'fp16',
        { accuracy: 0.75, basis: 'whole network', network: 'fp16' },
        { accuracy: 1, basis: 'whole network', network: 'fp16' },
      ],
    ],
  );
  // A named format and its family spec are one format; an unknown spec is compared as written.
  const run = (emulated: string) => ({ golden: { accuracy: 0.5, model: { emulated } } }) as unknown as RunDir;
  assert.equal(formatGolden(run('bfp8'), 'bfp:8:m7').basis, 'whole network');
  assert.equal(formatGolden(run('my-format'), 'my-format').basis, 'whole network');
  assert.equal(formatGolden(run('fp16'), 'bf16').basis, 'value-only');
});

test('formats section: none for a one-format comparison (the verdict table is its formats table)', async (t) => {
  const root = tempDir('formats-one');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), ...options });
  assert.equal(a.formats, null);
});

test('formats section: weight and other error-model campaigns are named as such and follow their kind', () => {
  const c = (name: string, s: Record<string, unknown>) =>
    ({
      format: name,
      baseline: { format: 'fp32', target: 'neurons', errorModel: 'bit-flip', rangeDetector: false, ...s },
    }) as unknown as FormatComparison;
  const runs = { golden: { accuracy: 1, model: {} }, campaigns: [] } as unknown as RunDir;
  const section = formatsSection(runs, runs, [
    c('a-weights', { target: 'weights' }),
    c('b-stuck', { errorModel: 'stuck-at-1', rangeDetector: true }),
    c('c-rd', { rangeDetector: true }),
    c('d', {}),
    c('e-both', { rangeDetector: true, guard: 'analytic' }),
    c('int4', { format: 'int:4' }),
  ]);
  assert.deepEqual(section![0]!.campaigns, [
    { campaign: 'd', kind: 'plain' },
    { campaign: 'a-weights', kind: 'plain, weights' },
    { campaign: 'c-rd', kind: 'range detector' },
    { campaign: 'b-stuck', kind: 'range detector, stuck-at-1' },
    { campaign: 'e-both', kind: 'range detector + score guard' },
  ]);
  assert.deepEqual(
    section!.map((e) => e.format),
    ['fp32', 'int:4'],
  );
});
