import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../../src/core/errors.js';
import { errorModel } from '../../../src/faults/error-models/registry.js';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import type { NumberFormat } from '../../../src/faults/formats/registry.js';
import {
  allocate,
  allocationChoices,
  bitStrata,
  minPerStratum,
  stratifyChoices,
} from '../../../src/faults/plan/strata.js';

const tgrError = (code: string, message: string) => (e: unknown) =>
  e instanceof TgrError && e.code === code && e.message === message;

test('the choices are the tables’ keys in order', () => {
  assert.deepEqual(stratifyChoices, ['none', 'bit']);
  assert.deepEqual(allocationChoices, ['equal', 'neyman', 'floor']);
  assert.equal(minPerStratum, 2);
});

test('bitStrata gives one stratum of weight 1/width per bit for single-bit models', () => {
  assert.deepEqual(bitStrata(numberFormat('fp32'), errorModel('bit-flip')), new Array(32).fill(1 / 32));
  assert.deepEqual(bitStrata(numberFormat('int8'), errorModel('stuck-at-1')), new Array(8).fill(1 / 8));
  assert.equal(bitStrata(numberFormat('fp16'), errorModel('stuck-at-0')).length, 16);
});

test('bitStrata refuses a multi-bit model and a format without a fixed width', () => {
  assert.throws(
    () => bitStrata(numberFormat('fp32'), errorModel('random-value')),
    tgrError(
      'bad_argument',
      "--stratify bit needs an error model that touches one uniformly drawn bit (bit-flip, stuck-at-0, stuck-at-1); 'random-value' touches several — use --stratify none",
    ),
  );
  const widthless = { ...numberFormat('fp32'), name: 'odd', bits: 0 } as NumberFormat;
  assert.throws(
    () => bitStrata(widthless, errorModel('bit-flip')),
    tgrError('bad_argument', '--stratify bit needs a format of fixed bit width; odd has none — use --stratify none'),
  );
});

test('allocate splits equally with the remainder to the lowest bits', () => {
  assert.deepEqual(allocate(8, [0.25, 0.25, 0.25, 0.25]), [2, 2, 2, 2]);
  assert.deepEqual(allocate(10, [0.25, 0.25, 0.25, 0.25]), [3, 3, 2, 2]);
  assert.deepEqual(allocate(11, [0.25, 0.25, 0.25, 0.25]), [3, 3, 3, 2]);
  const n = 100;
  const counts = allocate(n, new Array(32).fill(1 / 32));
  assert.equal(
    counts.reduce((a, c) => a + c, 0),
    n,
  );
  assert.deepEqual(counts.slice(0, 5), [4, 4, 4, 4, 3]);
});

test('allocate follows the pilot’s sd (Neyman) but keeps the minimum per stratum', () => {
  assert.deepEqual(allocate(20, [0.5, 0.5], [3, 1]), [15, 5]);
  assert.deepEqual(allocate(20, [0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]), [14, 2, 2, 2]);
  // All sd zero: falls back to the weights.
  assert.deepEqual(allocate(12, [0.5, 0.25, 0.25], [0, 0, 0]), [6, 3, 3]);
});

test('allocate refuses an n below two per stratum, naming --per-layer', () => {
  assert.deepEqual(allocate(8, [0.25, 0.25, 0.25, 0.25]), [2, 2, 2, 2]);
  assert.throws(
    () => allocate(7, [0.25, 0.25, 0.25, 0.25]),
    tgrError(
      'bad_argument',
      '--per-layer 7 is too small for --stratify bit: 4 bit strata need at least 2 sites each (8) — raise --per-layer or use --stratify none',
    ),
  );
});
