import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { encodeModel } from '../../../src/onnx/proto-io.js';
import { TgrError } from '../../../src/core/errors.js';
import { GoldenLanes } from '../../../src/faults/run/golden-lanes.js';
import { residualNet, randomImages } from '../nets.js';

test('GoldenLanes: each lane answers as a session in this thread does, bit for bit; idle() tracks runs going', async () => {
  const model = residualNet();
  const bytes = encodeModel(model);
  const lanes = await GoldenLanes.create(bytes, 2, 1, 'net.onnx');
  const here = await Session.create(bytes, { threads: 1, spinning: false });
  try {
    const feeds = { input: { dtype: 'float32' as const, dims: [3, 3, 8, 8], data: randomImages(3, 8, 4) } };
    assert.equal(lanes.idle(), 0);
    const pending = [lanes.run(0, feeds), lanes.run(1, feeds)];
    assert.equal(lanes.idle(), -1);
    const [a, b] = await Promise.all(pending);
    assert.equal(lanes.idle(), 0);
    const want = await here.run(feeds);
    for (const out of [a!, b!]) {
      assert.deepEqual(Object.keys(out).sort(), Object.keys(want).sort());
      for (const k of Object.keys(want)) assert.deepEqual(out[k], want[k], k);
    }
    // The caller's pixels stay its own: a lane gets a copy.
    assert.equal(feeds.input.data.length, 3 * 3 * 8 * 8);
    await assert.rejects(
      lanes.run(0, { input: { dtype: 'float32', dims: [1, 3, 8, 9], data: new Float32Array(216) } }),
      (e: unknown) =>
        e instanceof TgrError && e.code === 'engine' && /^net\.onnx: ONNX Runtime failed to run/.test(e.message),
    );
  } finally {
    await lanes.release();
    await here.release();
  }
});
