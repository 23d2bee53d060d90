import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '../../src/engine/session.js';
import type { Model } from '../../src/onnx/types.js';
import { seedDropout } from '../../src/train/dropout-seeds.js';
import { EpochSession } from '../../src/train/epoch-session.js';

/** A graph of one node of the given op: all EpochSession reads of a graph. */
const graphOf = (opType: string) =>
  ({ graph: { nodes: [{ opType, name: 'n0', inputs: ['x'], outputs: ['y'], attrs: {} }] } }) as unknown as Model;

/** An `open` that records the graphs it was given and the sessions it released. */
function opener() {
  const opened: Model[] = [];
  const released: number[] = [];
  const open = async (g: Model) => {
    const k = opened.push(g) - 1;
    return { release: async () => void released.push(k) } as unknown as Session;
  };
  return { open, opened, released };
}

test('a graph without Dropout gets one session at create, kept across epochs', async () => {
  const o = opener();
  const g = graphOf('Relu');
  const s = await EpochSession.create(g, o.open, 7);
  await s.beginEpoch(0);
  await s.beginEpoch(1);
  assert.equal(o.opened.length, 1);
  assert.equal(o.opened[0], g);
  await s.release();
  assert.deepEqual(o.released, [0]);
});

test("a graph with Dropout gets each epoch's seeded session, the previous one released", async () => {
  const o = opener();
  const g = graphOf('Dropout');
  const s = await EpochSession.create(g, o.open, 7, 'replica1');
  assert.equal(o.opened.length, 0);
  assert.throws(() => s.current, /step before beginEpoch on a graph with Dropout/);
  await s.beginEpoch(0);
  await s.beginEpoch(1);
  assert.deepEqual(o.opened, [seedDropout(g, 7, 0, 'replica1'), seedDropout(g, 7, 1, 'replica1')]);
  assert.notDeepEqual(o.opened[0], o.opened[1]);
  assert.deepEqual(o.released, [0]);
  await s.release();
  assert.deepEqual(o.released, [0, 1]);
});
