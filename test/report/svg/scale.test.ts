import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearScale, logScale, niceStep, tickLabel } from '../../../src/report/svg/scale.js';

test('scales: nice ticks, whole decades, clean labels', () => {
  assert.equal(niceStep(0, 1, 5), 0.2);
  assert.deepEqual(linearScale(0, 0.93, 100, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const y = linearScale(0, 1, 100, 0);
  assert.equal(y(0.5), 50);
  // 0.15 sits near the bottom of its decade: the axis starts a decade lower so its bar shows.
  assert.deepEqual(logScale(0.15, 35, 100, 0).ticks, [0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(logScale(0.5, 35, 100, 0).ticks, [0.1, 1, 10, 100]);
  // 40 decades (ΔLoss after exponent flips) get every 5th decade labelled, not 41 overprinted labels.
  assert.deepEqual(
    logScale(2e-3, 5e36, 100, 0).ticks,
    [1e-3, 1e2, 1e7, 1e12, 1e17, 1e22, 1e27, 1e32, 1e37].map((v) => Number(v.toPrecision(1))),
  );
  assert.equal(tickLabel(0.30000000000000004), '0.3');
  assert.equal(tickLabel(1e-5), '1e-5');
});
