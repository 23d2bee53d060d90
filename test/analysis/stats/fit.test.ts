import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activationBits,
  bitsPerMbit,
  fitAssumptions,
  sdcFit,
  storageWeightedSdc,
} from '../../../src/analysis/stats/fit.js';
import { numberFormat } from '../../../src/faults/formats/registry.js';

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const layers = [
  { layer: 'conv1', bitsPerInference: activationBits(16 * 32 * 32, 32), sdc: { value: 0.01, ci: 0.004 } },
  { layer: 'fc', bitsPerInference: activationBits(10, 32), sdc: { value: 0.3, ci: 0.03 } },
];

test('SDC FIT by hand: raw × bits/2^20 × P(SDC), summed; CIs scale and add in quadrature', () => {
  const r = sdcFit(layers, 1000);
  assert.equal(layers[0]!.bitsPerInference, 524_288); // half an Mbit
  close(r.layers[0]!.fit, 1000 * 0.5 * 0.01); // 5
  close(r.layers[0]!.fitCi, 1000 * 0.5 * 0.004); // 2
  close(r.layers[1]!.fit, 1000 * (320 / bitsPerMbit) * 0.3);
  close(r.fit, r.layers[0]!.fit + r.layers[1]!.fit);
  close(r.fitCi, Math.hypot(r.layers[0]!.fitCi, r.layers[1]!.fitCi));
  assert.equal(r.totalBits, 524_288 + 320);
});

test('FIT is linear in the raw rate and in the bits per inference', () => {
  const base = sdcFit(layers, 250);
  const tripleRate = sdcFit(layers, 750);
  close(tripleRate.fit, 3 * base.fit);
  close(tripleRate.fitCi, 3 * base.fitCi);
  tripleRate.layers.forEach((l, i) => close(l.fit, 3 * base.layers[i]!.fit));
  const doubleBits = sdcFit(
    layers.map((l) => ({ ...l, bitsPerInference: 2 * l.bitsPerInference })),
    250,
  );
  close(doubleBits.fit, 2 * base.fit);
  close(doubleBits.fitCi, 2 * base.fitCi);
  assert.equal(sdcFit(layers, 0).fit, 0);
});

test('the assumptions paragraph names the rate and its basis; a bad rate is a one-line error', () => {
  assert.match(fitAssumptions(500), /500 FIT\/Mbit \(1 Mbit = 2\^20 bits\)/);
  assert.match(fitAssumptions(), /100–1000 FIT\/Mbit range/);
  assert.throws(() => sdcFit(layers, -1), /raw upset rate must be a FIT\/Mbit figure ≥ 0 .*got -1/);
});

test('storageWeightedSdc: the stored-bit shares sum to one (a constant rate stays itself); a missing bit gives undefined', () => {
  // bfp:8:m6: 15 pattern bits (0..5 magnitude, 6 sign, 7..14 exponent), 7 + 8/8 = 8 stored per value.
  const bfp = numberFormat('bfp:8:m6');
  const all = new Map(Array.from({ length: 15 }, (_, b) => [b, { value: 0.25, ci: 0 }]));
  assert.deepEqual(storageWeightedSdc(all, bfp, 8), { value: 0.25, ci: 0 });
  // Only exponent bit 7 fails: one of 8 exponent bits sharing 1 of a value's 8 stored bits.
  const one = new Map(Array.from({ length: 15 }, (_, b) => [b, { value: b === 7 ? 1 : 0, ci: b === 7 ? 0.5 : 0 }]));
  assert.deepEqual(storageWeightedSdc(one, bfp, 8), { value: 1 / 64, ci: 0.5 / 64 });
  all.delete(3);
  assert.equal(storageWeightedSdc(all, bfp, 8), undefined);
});
