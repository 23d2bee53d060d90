import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, hashString } from '../../src/core/rng.js';

test('hashString is 32-bit FNV-1a (published test vectors)', () => {
  assert.equal(hashString(''), 0x811c9dc5);
  assert.equal(hashString('a'), 0xe40c292c);
  assert.equal(hashString('foobar'), 0xbf9cf968);
});

test('a seed reproduces its stream; a string seed is its FNV-1a hash; other seeds differ', () => {
  const take = (r: Rng) => Array.from({ length: 8 }, () => r.nextU32());
  assert.deepEqual(take(new Rng(42)), take(new Rng(42)));
  assert.deepEqual(take(new Rng('layer1')), take(new Rng(hashString('layer1'))));
  assert.notDeepEqual(take(new Rng(42)), take(new Rng(43)));
});

test('fork gives a stream that depends on the label and not on draws made after it', () => {
  const a = new Rng(7);
  const f1 = a.fork('x').nextU32();
  const b = new Rng(7);
  assert.equal(b.fork('x').nextU32(), f1);
  assert.notEqual(new Rng(7).fork('y').nextU32(), f1);
});

test('int(n) stays in [0, n) and is uniform: chi-square over 60,000 draws of a die (fixed seed)', () => {
  const r = new Rng(1);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) {
    const v = r.int(6);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 6);
    counts[v]++;
  }
  const chi2 = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
  assert.ok(chi2 < 20.5, `chi-square ${chi2} exceeds the 0.1% critical value 20.5 (5 df)`);
  assert.throws(() => r.int(0), /positive integer/);
  assert.throws(() => r.int(2.5), /positive integer/);
});

test('next() lies in [0, 1); normal() has mean ≈ 0 and variance ≈ 1 (fixed seed, 20,000 draws)', () => {
  const r = new Rng(3);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < 20000; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    const z = r.normal();
    sum += z;
    sq += z * z;
  }
  const mean = sum / 20000;
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(20000), `mean ${mean}`);
  assert.ok(Math.abs(sq / 20000 - mean * mean - 1) < 0.05, `variance ${sq / 20000}`);
});

test('shuffle returns a permutation of its input, the same one for the same seed', () => {
  const a = Array.from({ length: 50 }, (_, i) => i);
  const s1 = new Rng(9).shuffle([...a]);
  const s2 = new Rng(9).shuffle([...a]);
  assert.deepEqual(s1, s2);
  assert.deepEqual(
    [...s1].sort((x, y) => (x as number) - (y as number)),
    a,
  );
  assert.notDeepEqual(s1, a);
});
