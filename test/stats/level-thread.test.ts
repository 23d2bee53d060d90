import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibratedLevel } from '../../src/stats/sequential-level.js';
import { calibratedLevelInThread } from '../../src/stats/level-thread.js';

test('a level calibrated on a worker thread is the one calibrated inline: level, method, worst point and work', async () => {
  const small = { pilot: 16, halfwidth: 0.1, maxRounds: 3, cap: 200, growth: 1.25 };
  const there = await calibratedLevelInThread(small);
  assert.deepEqual(there, calibratedLevel(small));
  assert.equal(there.level, 0.9925);
});
