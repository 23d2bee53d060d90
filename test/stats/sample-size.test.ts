import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerPopulation, marginOfError, sampleSize } from '../../src/stats/sample-size.js';
import { zForConfidence } from '../../src/stats/confidence.js';

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("the paper's 4096 injections per layer buy ±2.01% at 99% for a large layer (worst case p = 0.5)", () => {
  const N = layerPopulation(802_816, 32, 50_000); // a ResNet-50 conv output over ImageNet val: effectively infinite
  close(marginOfError(4096, { population: N }), (2.5758293035489004 * 0.5) / 64, 1e-9);
  close(marginOfError(4096, { population: Infinity }), 0.020123666433975784, 1e-12);
  // The 0.23% the paper quotes needs either ~313,560 injections at p = 0.5 or an observed rate near 0.33%.
  assert.equal(sampleSize(0.0023, { population: Infinity }), 313_559);
  close(marginOfError(4096, { population: Infinity, p: 0.0032765 }), 0.0023, 1e-6);
});

test("Leveugle's formula and its inverse agree, with the finite-population correction", () => {
  // N = 10^6, e = 1%, 99%: n0 = t²/4e² = 16587.24…, n = N·n0/(n0 + N − 1) = 16316.61… → 16317.
  assert.equal(sampleSize(0.01, { population: 1e6 }), 16_317);
  assert.equal(sampleSize(0.01, { population: Infinity }), 16_588);
  assert.equal(sampleSize(0.05, { population: Infinity, confidence: 0.95 }), 385); // the textbook 384.15 → 385
  assert.equal(sampleSize(0.05, { population: 1e6, confidence: 0.95 }), 384); // 383.998…: the correction matters
  for (const N of [500, 10_000, 1e7]) {
    for (const n of [10, 100, 400]) {
      const e = marginOfError(n, { population: N });
      close(N / (1 + (e * e * (N - 1)) / (zForConfidence(0.99) ** 2 * 0.25)), n, 1e-6);
    }
  }
  assert.equal(marginOfError(500, { population: 500 }), 0);
  close(marginOfError(4096, { population: 1e6 }), 0.020082420917292274, 1e-12);
});

test('bad questions name the argument and the expected range', () => {
  assert.throws(
    () => sampleSize(2, { population: 10 }),
    /margin of error must be a proportion in \(0, 1\), e\.g\. 0\.01 for 1%; got 2/,
  );
  assert.throws(() => marginOfError(11, { population: 10 }), /between 1 and the population 10; got 11/);
  assert.throws(() => marginOfError(5, { population: 10, p: 1 }), /p must be in \(0, 1\); got 1/);
});
