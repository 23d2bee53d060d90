import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesPerElement, dtypeCodes, dtypeOfCode } from '../../src/onnx/dtypes.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { decodeModel, encodeModel } from '../../src/onnx/proto-io.js';
import type { DType } from '../../src/onnx/types.js';

test('every dtype maps to its ONNX TensorProto code and back; unknown codes are undefined', () => {
  // The ONNX spec's TensorProto.DataType numbers.
  const spec: Record<DType, number> = {
    float32: 1,
    uint8: 2,
    int8: 3,
    int32: 6,
    int64: 7,
    bool: 9,
    float16: 10,
    float64: 11,
    bfloat16: 16,
  };
  assert.deepEqual({ ...dtypeCodes }, spec);
  for (const [d, code] of Object.entries(spec)) assert.equal(dtypeOfCode(code), d);
  for (const code of [0, 4, 5, 8, 12, 13, 14, 15, 17]) assert.equal(dtypeOfCode(code), undefined);
  assert.equal(bytesPerElement.float16, 2);
  assert.equal(bytesPerElement.int64, 8);
});

test('Cast writes the table code, shape inference reads it back, and the model round-trips', () => {
  for (const to of Object.keys(dtypeCodes) as DType[]) {
    const b = new GraphBuilder('cast');
    const y = b.cast(b.input('x', 'float32', ['N', 3]), to, { name: 'c' });
    assert.equal(b.info(y).dtype, to);
    b.output(y, 'y');
    const m = decodeModel(encodeModel(b.finishModel()));
    const node = m.graph.nodes.find((n) => n.opType === 'Cast')!;
    assert.deepEqual(node.attrs.to, { type: 'int', value: dtypeCodes[to] });
    assert.equal(m.graph.outputs[0]!.dtype, to);
  }
});
