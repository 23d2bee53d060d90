import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashString } from '../../src/core/rng.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { attr } from '../../src/onnx/types.js';
import { hasDropout, seedDropout } from '../../src/train/dropout-seeds.js';

function model(dropout: boolean) {
  const b = new GraphBuilder('d');
  const x = b.relu(b.input('x', 'float32', ['N', 4]), { name: 'act' });
  b.output(dropout ? b.dropout(x, 0.5, true, { name: 'drop' }) : x, 'y');
  return b.finishModel();
}

test('hasDropout looks for Dropout nodes (inference-mode dropout is an Identity)', () => {
  assert.equal(hasDropout(model(true)), true);
  assert.equal(hasDropout(model(false)), false);
});

test('each Dropout gets the seed hash(dropout/SEED/EPOCH/NODE[/STREAM]) & 0x7fffffff; other nodes are untouched', () => {
  const m = model(true);
  const seeded = seedDropout(m, 3, 2);
  const drop = seeded.graph.nodes.find((n) => n.opType === 'Dropout')!;
  assert.deepEqual(drop.attrs.seed, attr.int(hashString('dropout/3/2/drop') & 0x7fffffff));
  assert.equal(seeded.graph.nodes[0], m.graph.nodes[0]); // the Relu, the same node
  assert.equal(
    m.graph.nodes.find((n) => n.opType === 'Dropout')!.attrs.seed,
    undefined,
    'the model it was handed is unchanged',
  );
  const stream = seedDropout(m, 3, 2, 'replica1').graph.nodes.find((n) => n.opType === 'Dropout')!;
  assert.deepEqual(stream.attrs.seed, attr.int(hashString('dropout/3/2/drop/replica1') & 0x7fffffff));
  const seeds = [
    seedDropout(m, 3, 2),
    seedDropout(m, 3, 3),
    seedDropout(m, 4, 2),
    seedDropout(m, 3, 2, 'replica1'),
  ].map((s) => JSON.stringify(s.graph.nodes.find((n) => n.opType === 'Dropout')!.attrs.seed));
  assert.equal(new Set(seeds).size, 4);
});
