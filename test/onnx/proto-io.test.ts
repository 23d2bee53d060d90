import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { decodeModel, encodeModel, loadModel, saveModel } from '../../src/onnx/proto-io.js';
import { f32 } from '../../src/onnx/tensor.js';
import { TgrError } from '../../src/core/errors.js';

function tiny() {
  const b = new GraphBuilder('tiny');
  const x = b.input('input', 'float32', ['N', 1, 4, 4]);
  const w = b.initializer(
    'conv.weight',
    f32(
      [2, 1, 3, 3],
      Array.from({ length: 18 }, (_, i) => i / 10),
    ),
  );
  const y = b.relu(b.conv(x, w, undefined, { pads: [1, 1, 1, 1], name: 'conv' }));
  const fc = b.initializer(
    'fc.weight',
    f32(
      [3, 32],
      Array.from({ length: 96 }, (_, i) => Math.sin(i)),
    ),
  );
  const z = b.gemm(b.flatten(y), fc, undefined, { transB: 1, name: 'fc' });
  b.output(z, 'logits');
  return b.finishModel({ classes: '["a","b","c"]' });
}

test('builder infers shapes as it builds', () => {
  const m = tiny();
  assert.deepEqual(m.graph.valueInfo.get('conv')!.shape, ['N', 2, 4, 4]);
  assert.deepEqual(m.graph.outputs[0], { name: 'logits', dtype: 'float32', shape: ['N', 3] });
});

test('encode → decode keeps nodes, attributes, initializers, shapes and metadata', () => {
  const m = tiny();
  const back = decodeModel(encodeModel(m));
  assert.equal(back.opset, 17);
  assert.deepEqual(back.metadata, m.metadata);
  assert.deepEqual(back.graph.nodes, m.graph.nodes);
  assert.deepEqual(back.graph.inputs, m.graph.inputs);
  assert.deepEqual(back.graph.outputs, m.graph.outputs);
  assert.deepEqual([...back.graph.initializers.keys()], [...m.graph.initializers.keys()]);
  assert.deepEqual(back.graph.initializers.get('fc.weight'), m.graph.initializers.get('fc.weight'));
  assert.deepEqual(back.graph.valueInfo.get('conv'), m.graph.valueInfo.get('conv'));
});

test('save → load round-trips through a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-io-'));
  const p = join(dir, 'm.onnx');
  saveModel(tiny(), p);
  assert.deepEqual(loadModel(p).graph.nodes, tiny().graph.nodes);
});

test('malformed files give one-line errors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-io-'));
  const bytes = encodeModel(tiny());
  const trunc = join(dir, 'trunc.onnx');
  writeFileSync(trunc, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const text = join(dir, 'notes.onnx');
  writeFileSync(text, 'hello, this is not a model\n');
  for (const p of [trunc, text, join(dir, 'missing.onnx')]) {
    assert.throws(
      () => loadModel(p),
      (e: unknown) => {
        assert.ok(e instanceof TgrError);
        assert.ok(e.message.startsWith(p), e.message);
        assert.ok(!e.message.includes('\n'));
        return true;
      },
    );
  }
});
