import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemar } from '../../../src/analysis/stats/mcnemar.js';

const table = (b: number, c: number) => ({ bothCorrect: 900, onlyFirst: b, onlySecond: c, bothWrong: 50 });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12, `${a} vs ${b}`);

test('exact McNemar p for b = 1, c = 9 is 2·P(X ≤ 1; 10, ½) = 2·11/1024 = 0.021484375', () => {
  const r = mcnemar(table(1, 9));
  close(r.pValue, 0.021484375);
  close(r.midPValue, 12 / 1024); // 2·(P(X < 1) + ½·P(X = 1)) = 2·(1 + 5)/1024
  assert.deepEqual([r.onlyFirst, r.onlySecond], [1, 9]);
  close(mcnemar(table(9, 1)).pValue, 0.021484375); // two-sided: symmetric in b and c
});

test('exact McNemar against independently computed binomial tails', () => {
  close(mcnemar(table(3, 17)).pValue, 0.0025768280029296875);
  close(mcnemar(table(3, 17)).midPValue, 0.0014896392822265647);
  close(mcnemar(table(50, 60)).pValue, 0.3909274566995058);
  close(mcnemar(table(50, 60)).midPValue, 0.34258058257189905);
  assert.equal(mcnemar(table(5, 5)).pValue, 1); // 2·P(X ≤ 5; 10) = 1.246 → capped
  assert.deepEqual(mcnemar(table(0, 0)), { onlyFirst: 0, onlySecond: 0, pValue: 1, midPValue: 1 });
  close(mcnemar(table(0, 3)).pValue, 0.25);
});
