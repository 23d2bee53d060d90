import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../../src/onnx/builder.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { TgrError } from '../../../src/core/errors.js';
import { attentionNet, foreignExport, residualNet } from '../nets.js';
import { tempDir } from '../fixtures.js';

test('our ResNet-like net: image input, class scores, Conv/Gemm layers with per-image shapes, last layer = final Gemm', async () => {
  const c = await loadClassifier(residualNet());
  assert.deepEqual(c.input, { name: 'input', shape: [3, 8, 8] });
  assert.deepEqual(c.output, { name: 'logits', classes: 10 });
  assert.deepEqual(
    c.layers.map((l) => `${l.name}:${l.opType}:${l.shape.join('x')}`),
    [
      'conv1:Conv:4x8x8',
      'layer1.0.conv1:Conv:4x8x8',
      'layer1.0.conv2:Conv:4x8x8',
      'layer2.0.conv1:Conv:8x4x4',
      'layer2.0.conv2:Conv:8x4x4',
      'layer2.0.downsample:Conv:8x4x4',
      'fc:Gemm:10',
    ],
  );
  assert.deepEqual(c.lastLayers, ['fc']);
  assert.equal(c.layers[0]!.weight, 'conv1.weight');
});

test('ViT-like net: MatMul layers including attention products; last layers from tgr.last_layers; exp(s) folded', async () => {
  const c = await loadClassifier(attentionNet());
  assert.deepEqual(c.lastLayers, ['head.latent', 'head.projection']);
  assert.ok(c.layers.some((l) => l.name === 'attn.scores' && l.shape.join('x') === '2x4x4' && l.weight === undefined));
  assert.ok(c.model.graph.initializers.has('head.logit_scale.exp'), 'constant subgraph folded into an initializer');
});

test('a foreign file without value infos and with a Softmax output: shapes probed, scores taken before the Softmax', async () => {
  const m = residualNet();
  const foreign = foreignExport(m);
  const path = join(tempDir('clf'), 'foreign.onnx');
  saveModel(foreign, path);
  const c = await loadClassifier(path);
  assert.equal(c.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
  assert.equal(c.output.name, 'logits');
  assert.deepEqual(
    c.layers.map((l) => l.shape.join('x')),
    (await loadClassifier(m)).layers.map((l) => l.shape.join('x')),
  );
  assert.deepEqual(c.lastLayers, ['fc'], 'no metadata: the last Gemm feeding the output');
  assert.equal(c.head, 'unknown');
});

async function errorOf(p: Promise<unknown>): Promise<TgrError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TgrError);
    return e;
  }
  assert.fail('expected a TgrError');
}

test('non-image inputs and non-score outputs give one-line errors naming the file', async () => {
  const flat = new GraphBuilder('flat');
  const x = flat.input('x', 'float32', ['N', 28, 28]);
  flat.output(flat.flatten(x), 'y');
  const e1 = await errorOf(loadClassifier(flat.finishModel(), { label: 'model.onnx' }));
  assert.equal(e1.message, "model.onnx: input 'x' has shape [N,28,28]; expected [N,C,H,W] — pass --input-shape");

  const seg = new GraphBuilder('seg');
  const img = seg.input('input', 'float32', ['N', 3, 4, 4]);
  seg.output(seg.conv(img, seg.initializer('w', f32([2, 3, 1, 1], new Float32Array(6).fill(0.5)))), 'mask');
  const e2 = await errorOf(loadClassifier(seg.finishModel(), { label: 'seg.onnx' }));
  assert.equal(
    e2.message,
    "seg.onnx: output 'mask' has shape [N,2,4,4]; expected class scores [N,K] — export the model with a logits output",
  );

  const bad = { ...residualNet(), metadata: { 'tgr.last_layers': '["nope"]' } };
  const e3 = await errorOf(loadClassifier(bad, { label: 'r.onnx' }));
  assert.match(
    e3.message,
    /^r\.onnx: metadata tgr\.last_layers names 'nope', which is not an injectable layer; layers: conv1, /,
  );
  assert.ok(!e3.message.includes('\n'));
});

test('--input-shape that does not fit the model names the file and the flag, not a node', async () => {
  const fixed = residualNet({ channels: 1, size: 8 });
  const e1 = await errorOf(loadClassifier(fixed, { label: 'm.onnx', inputShape: [3, 8, 8] }));
  assert.equal(
    e1.message,
    "--input-shape 3,8,8 does not fit m.onnx, whose input 'input' is [N,1,8,8]; pass --input-shape 1,8,8 or leave it out",
  );
  // Symbolic dims: the shapes fail to line up inside the graph ([N,1,5,5] + [1,3,4,4] cannot broadcast).
  const g = new GraphBuilder('add-bias');
  const x = g.input('x', 'float32', ['N', 'C', 'H', 'W']);
  const biased = g.add(x, g.initializer('bias', f32([1, 3, 4, 4], new Float32Array(48).fill(0.1))));
  const w = g.initializer('w', f32([2, 3], new Float32Array(6).fill(0.1)));
  g.output(g.gemm(g.flatten(g.globalAveragePool(biased)), w, undefined, { transB: 1 }), 'logits');
  const e2 = await errorOf(loadClassifier(g.finishModel(), { label: 'm.onnx', inputShape: [1, 5, 5] }));
  assert.match(
    e2.message,
    /^m\.onnx does not run on --input-shape 1,5,5 images \(.*\); pass the C,H,W the model was exported for$/,
  );
});
