import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeDies, followSteps, type FollowStep } from '../../../src/faults/run/follow.js';
import { rangeClamp } from '../../../src/faults/run/range-detector.js';
import { parseRecord, recordLine } from '../../../src/faults/store/store.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { cut } from '../../../src/onnx/cut.js';
import { residualNet } from '../nets.js';

const bnRelu: FollowStep[] = [
  { op: 'affine', scale: Float32Array.of(2), shift: Float32Array.of(-1), channel: () => 0 },
  { op: 'clip', min: 0, max: Infinity },
];

test('a change dies when BN+ReLU maps golden and faulty to 0, and not when either side stays positive', () => {
  const none = () => new Float32Array(0);
  assert.equal(changeDies(bnRelu, 0, 0.1, 0.2, none), true, '2·0.1−1 and 2·0.2−1 are both cut by the ReLU');
  assert.equal(changeDies(bnRelu, 0, 0.1, 3, none), false);
  assert.equal(changeDies(bnRelu, 0, 0.9, 0.2, none), false);
  assert.equal(changeDies(bnRelu, 0, 0.1, -1e30, none), true);
  assert.equal(changeDies(bnRelu, 0, 0.1, NaN, none), false, 'NaN is never called dead');
  assert.equal(changeDies([], 0, 1.5, 1.5, none), true, 'an unchanged value is masked with no steps at all');
  const add: FollowStep[] = [
    { op: 'addTensor', tensor: 's' },
    { op: 'clip', min: 0, max: 6 },
  ];
  assert.equal(
    changeDies(add, 1, 10, 20, () => Float32Array.of(0, -1)),
    true,
    'ReLU6 saturates both at 6',
  );
  assert.equal(
    changeDies(add, 1, 0.5, 0.2, () => Float32Array.of(0, -1)),
    true,
    'both ≤ 0 after adding −1',
  );
  assert.equal(
    changeDies(add, 0, 10, 0.5, () => Float32Array.of(0, -1)),
    false,
  );
});

test('steps found after our ResNet-like layers: BN, residual Add with a carried tensor, ReLU; none after fc', async () => {
  const clf = await loadClassifier(residualNet());
  const g = clf.model.graph;
  const ops = (name: string) => {
    const l = clf.layers.find((x) => x.name === name)!;
    return followSteps(g, l.tensor, l.shape, new Set(cut(g, l.tensor).carried))
      .map((s) => s.op)
      .join(',');
  };
  assert.equal(ops('conv1'), 'affine,clip');
  assert.equal(ops('layer1.0.conv2'), 'affine,addTensor,clip');
  assert.equal(ops('fc'), '');
});

test('range detector clamps beyond ±max and non-finite values; NaN goes to +max', () => {
  assert.deepEqual(
    [5, -5, 2, Infinity, -Infinity, NaN].map((v) => rangeClamp(v, 3)),
    [3, -3, 2, 3, -3, 3],
  );
});

test('faults.jsonl lines: fixed key order; non-finite faulty values survive as null + fp32 bits', () => {
  const r = {
    id: 3,
    layer: 'fc',
    image: 7,
    index: 2,
    bit: 30,
    original: 1.5,
    faulty: Infinity,
    goldenTop1: 1,
    faultyTop1: 4,
    goldenLoss: 0.25,
    faultyLoss: null,
    nonFinite: true,
  };
  const line = recordLine(r);
  assert.equal(
    line,
    '{"id":3,"layer":"fc","image":7,"index":2,"bit":30,"original":1.5,"faulty":null,"faultyBits":2139095040,"goldenTop1":1,"faultyTop1":4,"goldenLoss":0.25,"faultyLoss":null,"nonFinite":true}\n',
  );
  // Reading keeps the stored pattern, so a record says exactly which bits a non-finite value had.
  assert.deepEqual(parseRecord(line, 'x'), { ...r, faultyBits: 0x7f800000 });
  const nan = parseRecord(recordLine({ ...r, faulty: NaN }), 'x');
  assert.ok(Number.isNaN(nan.faulty));
});
