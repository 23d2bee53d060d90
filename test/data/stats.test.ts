import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelStats } from '../../src/data/stats.js';

test('channelStats: per-channel mean and population std over every image, in [0, 1] units', () => {
  // Two 2-channel 1×2 images (NCHW): channel 0 holds 0, 255, 0, 255; channel 1 holds 51 everywhere.
  const pixels = Uint8Array.from([0, 255, 51, 51, 0, 255, 51, 51]);
  assert.deepEqual(channelStats(pixels, [2, 1, 2]), { mean: [0.5, 0.2], std: [0.5, 0] });
});

test('channelStats: one grey channel, values 0, 51, 102, 153 (mean 76.5, std √3251.25 on the 0–255 scale)', () => {
  const s = channelStats(Uint8Array.from([0, 51, 102, 153]), [1, 2, 2]);
  assert.deepEqual(s, { mean: [76.5 / 255], std: [Math.sqrt(3251.25) / 255] });
});
