import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';
import { opCases } from './op-cases.js';
import { caseFeeds, caseModel } from './grad-check.js';

test('strided Slice: the fast form (a ConvTranspose) was taken and agrees with the Pad form', async () => {
  for (const c of opCases.Slice.filter((q) => q.dtype === 'float32')) {
    const forward = caseModel(c);
    const y = forward.graph.outputs[0]!;
    const feeds = {
      ...caseFeeds(c, new Rng(c.label)),
      ...caseFeeds({ ...c, feeds: { 'y0.grad': { dims: y.shape as number[] } } }, new Rng(2)),
    };
    const [fast, plain] = (['fast', 'plain'] as const).map((paths) => gradientModel(forward, ['x'], { paths }));
    assert.ok(
      fast!.graph.nodes.some((n) => n.opType === 'ConvTranspose'),
      `${c.label}: fast form`,
    );
    assert.ok(!plain!.graph.nodes.some((n) => n.opType === 'ConvTranspose'), `${c.label}: plain form`);
    const [a, b] = await Promise.all(
      [fast!, plain!].map(
        async (m) => (await (await Session.create(m, { threads: 1 })).run(feeds))['x.grad']!.data as Float32Array,
      ),
    );
    assert.deepEqual(Array.from(a!), Array.from(b!));
  }
});
