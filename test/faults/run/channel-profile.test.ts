import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelMaxAbs } from '../../../src/faults/run/channel-profile.js';
import { Session } from '../../../src/engine/session.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { residualNet } from '../nets.js';
import { fixture } from '../fixtures.js';

test('channelMaxAbs: each layer’s per-channel max |x| over the golden images; their max is the golden pass’s layer max', async () => {
  const { classifier, images, golden } = await fixture(residualNet());
  const channels = await channelMaxAbs({ classifier, images, indices: golden.indices, batchSize: 5, quiet: true });
  assert.deepEqual(
    [...channels.keys()],
    classifier.layers.map((l) => l.tensor),
  );
  for (const [i, l] of classifier.layers.entries()) {
    const m = channels.get(l.tensor)!;
    assert.equal(m.length, l.shape[0]);
    assert.equal(Math.max(...m), golden.layers[i]!.maxAbs, l.name);
  }
  // By hand for the first conv: one run over all images, channel c's values at [n, c, …].
  const l = classifier.layers[0]!;
  const session = await Session.create(withOutputs(classifier.model, [l.tensor]));
  const x = await images.pixels(golden.indices);
  const out = await session.run({
    [classifier.input.name]: { dtype: 'float32', dims: [golden.indices.length, ...classifier.input.shape], data: x },
  });
  await session.release();
  const a = out[l.tensor]!.data as Float32Array;
  const inner = l.neurons / l.shape[0]!;
  const want = new Array<number>(l.shape[0]!).fill(0);
  a.forEach((v, k) => {
    const c = Math.floor(k / inner) % want.length;
    want[c] = Math.max(want[c]!, Math.abs(v));
  });
  assert.deepEqual(channels.get(l.tensor), want);
});
