import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignsFor, wholeNetwork } from '../../src/pipeline/campaigns.js';
import { presets } from '../../src/pipeline/presets.js';

test("the full preset's campaigns: each format plain, with the detector and with the guard (emulated formats too)", () => {
  const names = (head: string) => campaignsFor(presets.full!, head).map((c) => c.name);
  const expected = ['fp32', 'fp16', 'bf16', 'fp8-e4m3'].flatMap((f) => [f, `${f}-rd`, `${f}-guard`]);
  assert.deepEqual(names('text-guided'), expected);
  assert.deepEqual(names('linear'), expected);
  const guard = (head: string) => campaignsFor(presets.full!, head).find((c) => c.name === 'fp32-guard')!;
  assert.deepEqual(guard('text-guided'), {
    name: 'fp32-guard',
    format: 'fp32',
    rangeDetector: false,
    guard: 'analytic',
  });
  assert.deepEqual(guard('linear'), { name: 'fp32-guard', format: 'fp32', rangeDetector: false, guard: 'profiled' });
  assert.deepEqual(
    campaignsFor(presets.full!, 'text-guided').find((c) => c.name === 'fp8-e4m3-guard'),
    { name: 'fp8-e4m3-guard', format: 'fp8-e4m3', rangeDetector: false, guard: 'analytic' },
  );
});

test('--range-detector on and --guard off leave only the detector campaigns', () => {
  const p = { ...presets.quick!, formats: ['fp32', 'bf16'], rangeDetector: 'on' as const, guard: false };
  assert.deepEqual(
    campaignsFor(p, 'text-guided').map((c) => [c.name, c.rangeDetector]),
    [
      ['fp32-rd', true],
      ['bf16-rd', true],
    ],
  );
});

test('every format but fp32 runs on the whole network emulated in it', () => {
  assert.deepEqual(['fp32', 'fp16', 'bf16', 'fp8-e4m3', 'int8', 'bfp8'].map(wholeNetwork), [
    false,
    true,
    true,
    true,
    true,
    true,
  ]);
});
