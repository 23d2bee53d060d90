import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChains } from '../../src/pipeline/lanes.js';

const tick = () => new Promise((r) => setImmediate(r));

test('chains run in the given order, never more than `lanes` at once', async () => {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const chain = (k: number) => async () => {
    started.push(k);
    peak = Math.max(peak, ++running);
    for (let i = 0; i < 3 + k; i++) await tick();
    running--;
  };
  await runChains([0, 1, 2, 3, 4].map(chain), 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(peak, 2);
});

test('after a failure no chain starts, the running one finishes, and the first error is thrown', async () => {
  const finished: number[] = [];
  const chains = [
    async () => {
      for (let i = 0; i < 5; i++) await tick();
      finished.push(0);
    },
    async () => {
      await tick();
      throw new Error('chain 1 failed');
    },
    async () => {
      finished.push(2);
    },
  ];
  await assert.rejects(runChains(chains, 2), /^Error: chain 1 failed$/);
  assert.deepEqual(finished, [0]);
});

test('more lanes than chains, or lanes 0, still runs every chain once', async () => {
  const ran: number[] = [];
  await runChains([() => Promise.resolve(void ran.push(0))], 8);
  await runChains([() => Promise.resolve(void ran.push(1))], 0);
  assert.deepEqual(ran, [0, 1]);
});
