import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';
import { opCases } from './op-cases.js';
import { caseFeeds, caseModel } from './grad-check.js';

const ops = (m: ReturnType<typeof gradientModel>) => m.graph.nodes.map((n) => n.opType);

test('Conv: the fast gradient forms agree with the plain ones, and the fast forms were taken', async () => {
  for (const c of opCases.Conv) {
    const forward = caseModel(c);
    const feeds = caseFeeds(c, new Rng(c.label));
    const y = forward.graph.outputs[0]!;
    const seed = caseFeeds({ ...c, feeds: { 'y0.grad': { dims: y.shape as number[] } } }, new Rng(1));
    const wrt = Object.keys(c.feeds);
    const fast = gradientModel(forward, wrt, { paths: 'fast' });
    const plain = gradientModel(forward, wrt, { paths: 'plain' });
    const stride1 = !c.label.includes('stride 2');
    // Fast: weight gradient through MatMul (im2col); stride-1 input gradient as a Conv, not a ConvTranspose.
    assert.ok(ops(fast).includes('MatMul'), `${c.label}: fast weight gradient uses MatMul`);
    assert.equal(ops(fast).includes('ConvTranspose'), !stride1, `${c.label}: ConvTranspose only for strided input gradients`);
    assert.ok(!ops(plain).includes('MatMul') && ops(plain).includes('ConvTranspose'), `${c.label}: plain forms`);
    const [a, b] = await Promise.all([fast, plain].map(async (m) => (await Session.create(m, { threads: 1 })).run({ ...feeds, ...seed })));
    for (const k of wrt) {
      const av = a![`${k}.grad`]!.data as Float32Array;
      const bv = b![`${k}.grad`]!.data as Float32Array;
      av.forEach((v, i) => assert.ok(Math.abs(v - bv[i]!) <= 1e-5 * (1 + Math.abs(bv[i]!)), `${c.label}: ∂/∂${k}[${i}] fast ${v} plain ${bv[i]}`));
    }
  }
});
