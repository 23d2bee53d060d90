import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, TensorData } from '../../src/onnx/types.js';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { GradGraph } from '../../src/autodiff/grad-graph.js';
import {
  convCase,
  convGradW,
  convGradWApplies,
  convGradWForms,
  convGradX,
  convGradXForms,
  flippedConvApplies,
  pickGradW,
  pickGradX,
} from '../../src/autodiff/conv-grad.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';
import { opCases } from './op-cases.js';
import { caseFeeds, caseModel } from './grad-check.js';

/** Every applicable form of one gradient for a conv case, evaluated on the same x, w, dy. */
async function allForms(label: string, which: 'x' | 'w'): Promise<Map<string, Float32Array>> {
  const c = opCases.Conv.find((q) => q.label === label)!;
  const forward = caseModel(c);
  const conv = forward.graph.nodes.find((n) => n.opType === 'Conv') as Node;
  const y = forward.graph.valueInfo.get(conv.outputs[0]!) ?? forward.graph.outputs[0]!;
  const feeds: Record<string, TensorData> = {
    ...caseFeeds(c, new Rng(label)),
    ...caseFeeds({ ...c, feeds: { dy: { dims: y.shape as number[] } } }, new Rng(3)),
  };
  delete feeds.bias;
  const out = new Map<string, Float32Array>();
  const forms = which === 'w' ? Object.keys(convGradWForms) : Object.keys(convGradXForms);
  for (const form of forms) {
    const b = new GradGraph(form);
    const x = b.input('x', 'float32', c.feeds.x!.dims);
    const w = b.input('w', 'float32', c.feeds.w!.dims);
    const dy = b.input('dy', 'float32', y.shape);
    const cc = convCase(b, conv, x, w, dy);
    if (form === 'flippedConv' && !flippedConvApplies(cc)) continue;
    if (which === 'w' && !convGradWApplies(cc, form as keyof typeof convGradWForms)) continue;
    b.output(
      which === 'w'
        ? convGradW(cc, form as keyof typeof convGradWForms)
        : convGradX(cc, form as keyof typeof convGradXForms),
      'g',
    );
    const s = await Session.create(b.finishModel(), { threads: 1 });
    out.set(form, (await s.run(feeds)).g!.data as Float32Array);
  }
  return out;
}

test('Conv: every weight- and input-gradient form agrees with the others on every case', async () => {
  for (const c of opCases.Conv) {
    for (const which of ['w', 'x'] as const) {
      const results = [...(await allForms(c.label, which))];
      assert.ok(results.length >= (which === 'w' ? 3 : 1), `${c.label}: ${which} forms`);
      const [refName, ref] = results[0]!;
      for (const [name, v] of results.slice(1)) {
        v.forEach((e, i) =>
          assert.ok(
            Math.abs(e - ref[i]!) <= 1e-5 * (1 + Math.abs(ref[i]!)),
            `${c.label}: d${which} ${name} ${e} vs ${refName} ${ref[i]}`,
          ),
        );
      }
    }
  }
});

test('Conv: the picked fast forms are the ones in the training graph', () => {
  for (const c of opCases.Conv) {
    const forward = caseModel(c);
    const fast = gradientModel(forward, Object.keys(c.feeds), { paths: 'fast' }).graph.nodes.map((n) => n.opType);
    const plain = gradientModel(forward, Object.keys(c.feeds), { paths: 'plain' }).graph.nodes.map((n) => n.opType);
    const b = new GradGraph('probe');
    const conv = forward.graph.nodes.find((n) => n.opType === 'Conv')!;
    const y = forward.graph.outputs[0]!;
    const cc = convCase(
      b,
      conv,
      b.input('x', 'float32', c.feeds.x!.dims),
      b.input('w', 'float32', c.feeds.w!.dims),
      b.input('dy', 'float32', y.shape),
    );
    assert.equal(fast.includes('ConvTranspose'), pickGradX(cc) === 'convTranspose', `${c.label}: dx form`);
    assert.ok(pickGradW(cc) !== 'batchConv' && fast.includes('MatMul'), `${c.label}: dw form`);
    assert.ok(plain.includes('ConvTranspose') && !plain.includes('MatMul'), `${c.label}: plain forms`);
  }
});

/** The weight-gradient form picked for a 3×3 Conv (pads 1) of Ci→Co on hw×hw at stride s, batch 64. */
function pickAt(threads: number, ci: number, co: number, hw: number, s: number) {
  const b = new GradGraph('pick', { threads });
  const conv: Node = {
    name: 'c',
    opType: 'Conv',
    inputs: ['x', 'w'],
    outputs: ['y'],
    attrs: { pads: { type: 'ints', value: [1, 1, 1, 1] }, strides: { type: 'ints', value: [s, s] } },
  };
  return pickGradW(
    convCase(
      b,
      conv,
      b.input('x', 'float32', [64, ci, hw, hw]),
      b.input('w', 'float32', [co, ci, 3, 3]),
      b.input('dy', 'float32', [64, co, hw / s, hw / s]),
    ),
  );
}

test('Conv: the weight-gradient form picked at ResNet-20 shapes, by threads', () => {
  const shapes = [
    [3, 16, 32, 1],
    [16, 16, 32, 1],
    [16, 32, 32, 2],
    [32, 32, 16, 1],
    [32, 64, 16, 2],
    [64, 64, 8, 1],
  ] as const;
  const picks = (threads: number) => shapes.map(([ci, co, hw, s]) => pickAt(threads, ci, co, hw, s));
  assert.deepEqual(picks(1), ['oneHot', 'flatShifts', 'shiftsNhwc', 'shiftsNhwc', 'shiftsNhwc', 'shiftsNhwc']);
  assert.deepEqual(picks(2), ['oneHot', 'rowShifts', 'oneHot', 'oneHot', 'oneHot', 'oneHot']);
});

test('Conv: with several threads the one-hot im2col is left to maps whose im2col stays small', () => {
  // 32·9·16² = 73,728 values per sample and 64·9·8² take it; 32·9·64² and 64·9·56² do not.
  assert.equal(pickAt(2, 32, 32, 64, 1), 'rowShifts');
  assert.equal(pickAt(2, 64, 64, 56, 1), 'shiftsNhwc');
  assert.equal(pickAt(2, 128, 128, 8, 1), 'oneHot');
  assert.equal(pickAt(2, 128, 128, 16, 1), 'shiftsNhwc');
});
