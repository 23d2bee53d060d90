import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { vitSizes } from '../../src/models/vit.js';
import { dims, layerNames, outShape, shapesOnly } from './backbone-layout.js';

const block = (i: number) => `encoder.layers.encoder_layer_${i}`;

test('ViT-Tiny at 32 px: 4×4 patches, 64 tokens + class token, six MatMul layers per encoder block', () => {
  const m = shapesOnly('vit-tiny', 32);
  const layers = layerNames(m);
  assert.equal(layers.length, 1 + 12 * 6 + 1);
  assert.deepEqual(layers.slice(0, 7), [
    'conv_proj',
    `${block(0)}.self_attention.in_proj`,
    `${block(0)}.self_attention.scores`,
    `${block(0)}.self_attention.context`,
    `${block(0)}.self_attention.out_proj`,
    `${block(0)}.mlp.0`,
    `${block(0)}.mlp.3`,
  ]);
  assert.equal(layers.at(-1), 'heads.head');
  assert.deepEqual(dims(m, 'conv_proj.weight'), [192, 3, 4, 4]);
  assert.deepEqual(dims(m, 'class_token'), [1, 1, 192]);
  assert.deepEqual(dims(m, 'encoder.pos_embedding'), [1, 65, 192]);
  assert.deepEqual(dims(m, `${block(0)}.self_attention.in_proj_weight`), [576, 192]);
  assert.deepEqual(dims(m, `${block(11)}.mlp.0.weight`), [768, 192]);
  // Three heads of 64: scores [N, heads, T, T].
  assert.deepEqual(outShape(m, `${block(0)}.self_attention.scores`), ['N', 3, 65, 65]);
  assert.deepEqual(outShape(m, `${block(0)}.mlp.3`), ['N', 65, 192]);
  assert.deepEqual(dims(m, 'heads.head.weight'), [10, 192]);
});

test('patches are 16 px from 128 px up, or the spec’s patch size; a side it does not divide is refused', () => {
  assert.deepEqual(dims(shapesOnly('vit-tiny', 128), 'encoder.pos_embedding'), [1, 65, 192]);
  assert.deepEqual(dims(shapesOnly('vit-tiny', 32, { patchSize: 8 }), 'encoder.pos_embedding'), [1, 17, 192]);
  assert.throws(
    () => shapesOnly('vit-small', 30),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_argument' &&
      e.message === 'vit-small: a 30×30 input does not divide into 4×4 patches; pass a patch size dividing both sides',
  );
});

test('sizes: DeiT tiny and small, torchvision ViT-B', () => {
  assert.deepEqual(vitSizes, {
    tiny: { dim: 192, depth: 12, heads: 3, mlpDim: 768 },
    small: { dim: 384, depth: 12, heads: 6, mlpDim: 1536 },
    base: { dim: 768, depth: 12, heads: 12, mlpDim: 3072 },
  });
  assert.deepEqual(dims(shapesOnly('vit-small', 32), `${block(0)}.self_attention.in_proj_weight`), [1152, 384]);
});
