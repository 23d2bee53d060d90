/** Tiny networks for whole-graph gradient checks: a ResNet (BN in training mode, skips, a strided block) and a ViT block. */
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { Model } from '../../src/onnx/types.js';
import { f32 } from '../../src/onnx/tensor.js';
import { Rng } from '../../src/core/rng.js';

function params(b: GraphBuilder, rng: Rng) {
  return (name: string, dims: number[], scale = 0.5, shift = 0) =>
    b.initializer(
      name,
      f32(
        dims,
        Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => shift + scale * rng.normal()),
      ),
    );
}

/** conv3×3 → BN(train) → ReLU, a basic block, a strided block with a 1×1 conv shortcut, GAP, linear head; 3 classes. */
export function tinyResNet(seed = 1, channels = 3): Model {
  const b = new GraphBuilder('tiny-resnet');
  const p = params(b, new Rng(seed));
  const x = b.input('input', 'float32', ['N', channels, 6, 6]);
  const bn = (t: string, name: string, c: number) =>
    b.batchNormalization(
      t,
      p(`${name}.weight`, [c], 0.2, 1),
      p(`${name}.bias`, [c], 0.2),
      p(`${name}.running_mean`, [c], 0),
      p(`${name}.running_var`, [c], 0, 1),
      { training_mode: 1, name },
    )[0]!;
  const conv = (t: string, name: string, cin: number, cout: number, k: number, s = 1) =>
    b.conv(t, p(`${name}.weight`, [cout, cin, k, k]), undefined, {
      strides: [s, s],
      pads: Array(4).fill((k - 1) / 2),
      name,
    });
  let h = b.relu(bn(conv(x, 'conv1', channels, 4, 3), 'bn1', 4));
  const block = (t: string, name: string, cin: number, cout: number, s: number) => {
    const r = b.relu(bn(conv(t, `${name}.conv1`, cin, cout, 3, s), `${name}.bn1`, cout));
    const main = bn(conv(r, `${name}.conv2`, cout, cout, 3), `${name}.bn2`, cout);
    const short = s === 1 && cin === cout ? t : bn(conv(t, `${name}.down`, cin, cout, 1, s), `${name}.down_bn`, cout);
    return b.relu(b.add(main, short));
  };
  h = block(h, 'layer1', 4, 4, 1);
  h = block(h, 'layer2', 4, 6, 2);
  const logits = b.gemm(b.flatten(b.globalAveragePool(h)), p('fc.weight', [3, 6]), p('fc.bias', [3], 0.1), {
    transB: 1,
    name: 'fc',
  });
  b.output(logits, 'logits');
  return b.finishModel();
}

/** Patch embedding (Conv 2×2/2), class token (Expand to the batch, Concat), position embedding, one pre-norm
 * transformer block (2-head self-attention with MatMul/Softmax, GELU MLP), final LayerNorm, class token via Gather. */
export function tinyViT(seed = 2): Model {
  const b = new GraphBuilder('tiny-vit');
  const p = params(b, new Rng(seed));
  const D = 8;
  const T = 5;
  const x = b.input('input', 'float32', ['N', 3, 4, 4]);
  const patches = b.transpose(
    b.reshape(b.conv(x, p('patch.weight', [D, 3, 2, 2], 0.3), p('patch.bias', [D], 0.1), { strides: [2, 2] }), [
      0,
      D,
      4,
    ]),
    [0, 2, 1],
  );
  const batch = b.slice(b.node('Shape', [x])[0]!, [0], [1], [0]);
  const cls = b.node('Expand', [p('cls_token', [1, 1, D]), b.concat([batch, b.ints([1, D])], 0)])[0]!;
  let h = b.add(b.reshape(b.concat([cls, patches], 1), [0, T, D]), p('pos_embed', [1, T, D], 0.1));
  const ln = (t: string, name: string) =>
    b.layerNormalization(t, p(`${name}.weight`, [D], 0.2, 1), p(`${name}.bias`, [D], 0.1), { name });
  const linear = (t: string, name: string, i: number, o: number) =>
    b.add(b.matMul(t, p(`${name}.weight`, [i, o], 0.4)), p(`${name}.bias`, [o], 0.1));
  const heads = (t: string) => b.transpose(b.reshape(t, [0, T, 2, D / 2]), [0, 2, 1, 3]);
  const qkv = linear(ln(h, 'ln1'), 'qkv', D, 3 * D);
  const [q, k, v] = [0, 1, 2].map((i) => heads(b.slice(qkv, [i * D], [(i + 1) * D], [2])));
  const attn = b.softmax(b.mul(b.matMul(q!, b.transpose(k!, [0, 1, 3, 2])), b.float(1 / Math.sqrt(D / 2))), -1);
  const merged = b.reshape(b.transpose(b.matMul(attn, v!), [0, 2, 1, 3]), [0, T, D]);
  h = b.add(h, linear(merged, 'proj', D, D));
  h = b.add(h, linear(b.gelu(linear(ln(h, 'ln2'), 'fc1', D, 2 * D)), 'fc2', 2 * D, D));
  const token = b.gather(ln(h, 'norm'), b.constant({ dtype: 'int64', dims: [], data: BigInt64Array.of(0n) }), 1);
  b.output(b.gemm(token, p('head.weight', [3, D], 0.4), p('head.bias', [3], 0.1), { transB: 1 }), 'logits');
  return b.finishModel();
}
