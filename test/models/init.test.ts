import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fans,
  initTensor,
  kaimingNormalFanOut,
  torchDefault,
  xavierUniform,
  zigguratNormal,
} from '../../src/models/init.js';
import { Rng } from '../../src/core/rng.js';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    t *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

test('ziggurat draws are standard normal: CDF at ±0.5…±4 within 4 standard errors, tail beyond r = 3.44 reached', () => {
  const n = 1_000_000;
  const rng = new Rng(42);
  const xs = Float64Array.from({ length: n }, () => zigguratNormal(rng));
  for (const q of [-4, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 4]) {
    const p = phi(q);
    const got = xs.reduce((c, x) => c + (x < q ? 1 : 0), 0) / n;
    assert.ok(Math.abs(got - p) < 4 * Math.sqrt((p * (1 - p)) / n) + 1e-6, `P(x < ${q}) = ${got}, expected ${p}`);
  }
  assert.ok(xs.some((x) => x > 3.5) && xs.some((x) => x < -3.5));
  assert.deepEqual(
    Float64Array.from({ length: 5 }, () => zigguratNormal(new Rng(1))),
    Float64Array.from({ length: 5 }, () => zigguratNormal(new Rng(1))),
  );
});

test('torchvision init schemes: fans, kaiming fan_out, nn.Linear default bound, xavier', () => {
  assert.deepEqual(fans([64, 3, 7, 7]), { fanIn: 147, fanOut: 3136 });
  assert.deepEqual(kaimingNormalFanOut([64, 3, 7, 7]), { kind: 'normal', std: Math.sqrt(2 / 3136) });
  assert.deepEqual(torchDefault(512), { kind: 'uniform', bound: 1 / Math.sqrt(512) });
  assert.deepEqual(xavierUniform([576, 192]), { kind: 'uniform', bound: Math.sqrt(6 / 768) });
});

test('initTensor fills by scheme, and leaves weights zero (BN scale one) in shapes-only builds', () => {
  const rng = new Rng(3);
  const u = initTensor([1000, 10], { kind: 'uniform', bound: 0.25 }, rng).data;
  assert.ok(u.every((v) => Math.abs(v) < 0.25) && Math.max(...u) > 0.24 && Math.min(...u) < -0.24);
  const nrm = initTensor([100_000], { kind: 'normal', std: 0.01 }, rng).data;
  const sd = Math.sqrt(nrm.reduce((s, v) => s + v * v, 0) / nrm.length);
  assert.ok(Math.abs(sd - 0.01) < 0.0002, `std ${sd}`);
  const tn = initTensor([10_000], { kind: 'truncNormal', std: 1, a: -2, b: 2 }, rng).data;
  assert.ok(tn.every((v) => v >= -2 && v <= 2) && tn.some((v) => v > 1.9));
  assert.ok(initTensor([4], { kind: 'ones' }, null).data.every((v) => v === 1));
  assert.ok(initTensor([4], { kind: 'normal', std: 1 }, null).data.every((v) => v === 0));
});
