/**
 * A torchvision ViT exported by torch.onnx.export (scripts/fixtures/vit_export.py): PyTorch's attention writes
 * [L,N,3E], [N·H,L,L], [N·H,L,d] and [L·N,E], and every one of its Conv/Gemm/MatMul nodes must be a fault site whose
 * per-image elements map exactly onto the tensor the exporter chose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Model, TensorData } from '../../../src/onnx/types.js';
import { decodeModel } from '../../../src/onnx/proto-io.js';
import { Session } from '../../../src/engine/session.js';
import { Rng } from '../../../src/core/rng.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { batchDim, batchLayout, nativeIndex } from '../../../src/faults/model/batch-layout.js';
import { describeClassifier } from '../../../src/cli/summary-table.js';
import { PlainInjector } from '../../../src/faults/run/plain.js';
import { fixture } from '../fixtures.js';
import { randomImages } from '../nets.js';
import { assertClose, checkAgainstPlain, sum } from '../plain-check.js';

const file = fileURLToPath(new URL('../../fixtures/vit-export/vit-tiny.onnx', import.meta.url));
const raw = (): Model => decodeModel(readFileSync(file), file);
const sites = (m: Model) => m.graph.nodes.filter((n) => ['Conv', 'Gemm', 'MatMul'].includes(n.opType));

test('vit export: every Conv/Gemm/MatMul node is a site, attention in its PyTorch layouts included', async () => {
  const clf = await loadClassifier(file);
  const nodes = sites(raw());
  assert.equal(nodes.length, 14);
  assert.deepEqual(
    clf.layers.map((l) => l.name),
    nodes.map((n) => n.name),
  );
  assert.deepEqual(clf.leftOut, []);
  const block = '/encoder/layers/encoder_layer_0/self_attention/';
  const at = (s: string) => clf.layers.find((l) => l.name === block + s)!;
  assert.deepEqual(at('MatMul').native?.shape, [17, 'N', 96]);
  assert.deepEqual(at('MatMul').shape, [17, 96]);
  assert.deepEqual(at('MatMul_1').native?.shape, ['N*2', 17, 17]);
  assert.deepEqual(at('MatMul_1').shape, [2, 17, 17]);
  assert.deepEqual(at('MatMul_2').shape, [2, 17, 16]);
  assert.deepEqual(at('Gemm').native?.shape, ['17*N', 32]);
  assert.deepEqual(at('Gemm').shape, [17, 32]);
  // Weight faults reach the projections through a batch-major view of their input too.
  assert.equal(at('Gemm').weightElements, 1024);
  assert.equal(at('MatMul').weightElements, 3072);
  // tgr inspect names the exporter's layout beside each per-image shape.
  const listing = describeClassifier(clf);
  assert.match(listing, /\n14 injectable layers/);
  assert.match(listing, /encoder_layer_1\/self_attention\/Gemm +Gemm +17×32 +544 +1024 +\[17\*N,32\]\n/);
  assert.match(listing, /encoder_layer_0\/mlp\/mlp\.0\/MatMul +MatMul +17×64 +1088 +2048 +batch-major\n/);
  assert.doesNotMatch(listing, /left out/);
});

test('vit export: the views change no score, and a fault written at the native index equals one in the view', async () => {
  const clf = await loadClassifier(file);
  const rows = 3;
  const pixels = randomImages(rows, 32, 5);
  const x: TensorData = { dtype: 'float32', dims: [rows, 3, 32, 32], data: pixels };
  const scores = async (m: Model, feeds: Record<string, TensorData> = {}) => {
    const s = await Session.create(m, { threads: 1 });
    const out = await s.run({ input: x, ...feeds });
    await s.release();
    return out.logits!.data as Float32Array;
  };
  // ORT fuses differently around the views' Transposes: equal up to float rounding, not bit for bit.
  const clean = await scores(raw());
  assertClose(await scores(clf.model), clean, 'scores');
  const rng = new Rng('layout');
  for (const layer of clf.layers.filter((l) => l.native)) {
    const { tensor, shape } = layer.native!;
    const layout = batchLayout(shape);
    assert.ok(typeof layout !== 'string');
    // The native tensor replaced by Where(mask, values, T) in the original model, indices placed by nativeIndex.
    const g = raw().graph;
    const put = `${tensor}.put`;
    const nodes = g.nodes.flatMap((n) => [
      { ...n, inputs: n.inputs.map((t) => (t === tensor ? put : t)) },
      ...(n.outputs.includes(tensor)
        ? [{ name: put, opType: 'Where', inputs: ['mask', 'values', tensor], outputs: [put], attrs: {} }]
        : []),
    ]);
    const dims = shape.map((d) => (typeof d === 'number' ? d : rows * batchDim(d)!.fold));
    const total = dims.reduce((a, b) => a * b, 1);
    // Image 0's fault is at element 0, on the class token in every layout here, so it reaches the scores.
    const changes = [...Array(rows).keys()].map((n) => {
      const e = n === 0 ? 0 : rng.int(layer.neurons);
      return { index: Int32Array.of(e), value: Float32Array.of(rng.normal() * 50) };
    });
    const mask = new Uint8Array(total);
    const values = new Float32Array(total);
    changes.forEach((c, n) => {
      const i = nativeIndex(shape, layout, rows, n, c.index[0]!);
      mask[i] = 1;
      values[i] = c.value[0]!;
    });
    const native = await scores(
      {
        ...raw(),
        graph: {
          ...g,
          nodes,
          inputs: [
            ...g.inputs,
            { name: 'mask', dtype: 'bool', shape: dims },
            { name: 'values', dtype: 'float32', shape: dims },
          ],
        },
      },
      { mask: { dtype: 'bool', dims, data: mask }, values: { dtype: 'float32', dims, data: values } },
    );
    const inj = await PlainInjector.create(clf, clf.model, layer.tensor);
    const viewed = await inj.run(pixels, changes);
    await inj.release();
    assertClose(viewed, native, layer.name);
    // Values of ±50-ish move the scores, so the equality above is not two unfaulted runs agreeing.
    assert.ok(
      viewed.some((v, i) => Math.abs(v - clean[i]!) > 1e-3),
      `${layer.name}: faults changed no score`,
    );
  }
});

test('vit export: a campaign over every layer equals the plain full-model path (neurons, range detector off and on)', async () => {
  const fx = await fixture(raw(), 6);
  const paths = await checkAgainstPlain(fx, 'neurons', false, { perLayer: 16 });
  assert.equal(paths.size, 14);
  assert.equal(sum(paths, 'suffix') + sum(paths, 'masked') + sum(paths, 'analytic'), 14 * 16);
  assert.equal(sum(paths, 'analytic', ['/heads/head/Gemm']), 16);
  const clamped = await checkAgainstPlain(fx, 'neurons', true, { perLayer: 8 });
  assert.equal(clamped.size, 14);
});

test('vit export: weight faults in the projections and MLP equal the plain path', async () => {
  const fx = await fixture(raw(), 4);
  const layers = fx.classifier.layers.filter((l) => l.weight).map((l) => l.name);
  assert.equal(layers.length, 10);
  const paths = await checkAgainstPlain(fx, 'weights', false, { perLayer: 6, layers });
  assert.equal(paths.size, 10);
});
