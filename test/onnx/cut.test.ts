import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { cut } from '../../src/onnx/cut.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';
import { Session } from '../../src/engine/session.js';
import { probeShapes } from '../../src/engine/probe.js';
import type { Model, TensorData } from '../../src/onnx/types.js';

/** A residual net: conv → relu → conv, added to a 1×1 shortcut, then pooled and classified. */
function residual(): Model {
  const rng = new Rng(1);
  const r = (dims: number[]) =>
    f32(
      dims,
      Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.3),
    );
  const b = new GraphBuilder('res');
  const x = b.input('input', 'float32', ['N', 2, 6, 6]);
  const c1 = b.conv(x, b.initializer('c1.w', r([4, 2, 3, 3])), b.initializer('c1.b', r([4])), {
    pads: [1, 1, 1, 1],
    name: 'c1',
  });
  const c2 = b.conv(b.relu(c1), b.initializer('c2.w', r([4, 4, 3, 3])), undefined, { pads: [1, 1, 1, 1], name: 'c2' });
  const sc = b.conv(x, b.initializer('sc.w', r([4, 2, 1, 1])), undefined, { name: 'shortcut' });
  const y = b.relu(b.add(c2, sc));
  const fc = b.gemm(
    b.flatten(b.globalAveragePool(y)),
    b.initializer('fc.w', r([3, 4])),
    b.initializer('fc.b', r([3])),
    { transB: 1, name: 'fc' },
  );
  b.output(fc, 'logits');
  return b.finishModel();
}

async function runCut(model: Model, layer: string, feed: TensorData) {
  const parts = cut(model.graph, layer);
  const pre = await Session.create({ ...model, graph: parts.prefix });
  const mid = await pre.run({ input: feed });
  const feeds: Record<string, TensorData> = { [layer]: mid[layer]! };
  for (const c of parts.carried) feeds[c] = mid[c]!;
  if (parts.suffix.inputs.some((v) => v.name === 'input')) feeds.input = feed;
  const suf = await Session.create({ ...model, graph: parts.suffix });
  return { parts, out: (await suf.run(feeds)).logits! };
}

test('prefix then suffix equals the full model at every conv/gemm of a residual graph', async () => {
  const model = residual();
  const rng = new Rng(2);
  const feed = f32(
    [2, 2, 6, 6],
    Array.from({ length: 144 }, () => rng.normal()),
  );
  const full = (await (await Session.create(model)).run({ input: feed })).logits!;
  for (const layer of ['c1', 'c2', 'shortcut', 'fc']) {
    const { out } = await runCut(model, layer, feed);
    const a = out.data as Float32Array;
    const e = full.data as Float32Array;
    assert.equal(a.length, e.length);
    // ORT fuses Conv+Relu in the whole graph but not across the cut: equal to float rounding.
    e.forEach((v, i) =>
      assert.ok(Math.abs(a[i]! - v) <= 1e-5 * Math.max(1, Math.abs(v)), `${layer}[${i}]: ${a[i]} vs ${v}`),
    );
  }
});

test('the suffix holds only downstream nodes and receives the skip tensor', () => {
  const parts = cut(residual().graph, 'c2');
  assert.deepEqual(parts.carried, ['shortcut']);
  assert.ok(!parts.suffix.nodes.some((n) => n.name === 'c1' || n.name === 'shortcut'));
  assert.ok(parts.suffix.nodes.some((n) => n.name === 'fc'));
});

test('cutting at an unknown tensor names it', () => {
  assert.throws(() => cut(residual().graph, 'nope'), /no node produces tensor 'nope'/);
});

test('probeShapes recovers shapes of a model without value infos, batch dim as N', async () => {
  const m = residual();
  const bare = { ...m, graph: { ...m.graph, valueInfo: new Map() } };
  const probed = await probeShapes(bare, [2, 6, 6]);
  assert.deepEqual(probed.graph.valueInfo.get('c2')!.shape, ['N', 4, 6, 6]);
  assert.deepEqual(probed.graph.valueInfo.get('fc')!.shape, ['N', 3]);
});
