/**
 * Small classifiers built with GraphBuilder for the fault tests: a ResNet-20-like residual CNN (conv → BN → ReLU,
 * residual Add → ReLU, a strided 1×1 downsample, global pooling, a final Linear) and a ViT-like attention net (patch
 * conv, LayerNorm, two-head self-attention of MatMuls, GELU MLP, mean pooling) with a text-guided head. Weights are
 * seeded draws, so every test sees the same models.
 */
import { GraphBuilder } from '../../src/onnx/builder.js';
import { f32 } from '../../src/onnx/tensor.js';
import type { Model } from '../../src/onnx/types.js';
import { Rng } from '../../src/core/rng.js';

function draw(rng: Rng, dims: number[], scale: number, offset = 0): ReturnType<typeof f32> {
  const n = dims.reduce((a, b) => a * b, 1);
  return f32(
    dims,
    Float32Array.from({ length: n }, () => offset + scale * rng.normal()),
  );
}

function convBn(
  b: GraphBuilder,
  rng: Rng,
  x: string,
  name: string,
  cin: number,
  cout: number,
  k: number,
  stride: number,
): string {
  const w = b.initializer(`${name}.weight`, draw(rng, [cout, cin, k, k], Math.sqrt(2 / (cin * k * k))));
  const p = (k - 1) >> 1;
  const y = b.conv(x, w, undefined, { name, strides: [stride, stride], pads: [p, p, p, p] });
  const bn = `${name}.bn`;
  const pos = (dims: number[]) =>
    f32(
      dims,
      Float32Array.from({ length: dims[0]! }, () => 0.5 + rng.next()),
    );
  return b.batchNormalization(
    y,
    b.initializer(`${bn}.weight`, pos([cout])),
    b.initializer(`${bn}.bias`, draw(rng, [cout], 0.2)),
    b.initializer(`${bn}.mean`, draw(rng, [cout], 0.2)),
    b.initializer(`${bn}.var`, pos([cout])),
    { name: bn },
  )[0]!;
}

/** A residual CNN shaped like a (narrow) CIFAR ResNet-20: stem, two stages of basic blocks, avg pool, fc. */
export function residualNet(
  opts: { classes?: number; size?: number; width?: number; channels?: number; seed?: number } = {},
): Model {
  const { classes = 10, size = 8, width = 4, channels = 3, seed = 1 } = opts;
  const rng = new Rng(seed);
  const b = new GraphBuilder('resnet_like');
  let x = b.input('input', 'float32', ['N', channels, size, size]);
  x = b.relu(convBn(b, rng, x, 'conv1', channels, width, 3, 1), { name: 'relu1' });
  const block = (x: string, p: string, cin: number, cout: number, stride: number) => {
    const y = b.relu(convBn(b, rng, x, `${p}.conv1`, cin, cout, 3, stride), { name: `${p}.relu1` });
    const z = convBn(b, rng, y, `${p}.conv2`, cout, cout, 3, 1);
    const s = stride === 1 && cin === cout ? x : convBn(b, rng, x, `${p}.downsample`, cin, cout, 1, stride);
    return b.relu(b.add(z, s, { name: `${p}.add` }), { name: `${p}.relu2` });
  };
  x = block(x, 'layer1.0', width, width, 1);
  x = block(x, 'layer2.0', width, 2 * width, 2);
  const f = b.flatten(b.globalAveragePool(x, { name: 'avgpool' }), { name: 'flatten' });
  const w = b.initializer('fc.weight', draw(rng, [classes, 2 * width], 1));
  const bias = b.initializer('fc.bias', draw(rng, [classes], 0.1));
  b.output(b.gemm(f, w, bias, { name: 'fc', transB: 1 }), 'logits');
  return b.finishModel({ 'tgr.head': 'linear', 'tgr.backbone': 'resnet-like' });
}

/** A ViT-like net: 4×4 patches, one pre-norm transformer block with two heads, mean pooling, text-guided head. */
export function attentionNet(
  opts: { classes?: number; size?: number; dim?: number; embed?: number; seed?: number } = {},
): Model {
  const { classes = 5, size = 8, dim = 8, embed = 6, seed = 2 } = opts;
  const rng = new Rng(seed);
  const b = new GraphBuilder('vit_like');
  const x0 = b.input('input', 'float32', ['N', 3, size, size]);
  const T = (size / 4) ** 2;
  const heads = 2;
  const dh = dim / heads;
  const pw = b.initializer('patch.weight', draw(rng, [dim, 3, 4, 4], 0.3));
  const patches = b.conv(x0, pw, b.initializer('patch.bias', draw(rng, [dim], 0.1)), {
    name: 'patch',
    strides: [4, 4],
  });
  let t = b.transpose(b.reshape(patches, [0, dim, T]), [0, 2, 1]);
  t = b.add(t, b.initializer('pos', draw(rng, [1, T, dim], 0.1)));
  const ln = (x: string, name: string) =>
    b.layerNormalization(
      x,
      b.initializer(`${name}.weight`, draw(rng, [dim], 0.1, 1)),
      b.initializer(`${name}.bias`, draw(rng, [dim], 0.1)),
      { name },
    );
  const linear = (x: string, name: string, din: number, dout: number) =>
    b.add(
      b.matMul(x, b.initializer(`${name}.weight`, draw(rng, [din, dout], 1 / Math.sqrt(din))), { name }),
      b.initializer(`${name}.bias`, draw(rng, [dout], 0.1)),
      { name: `${name}.add_bias` },
    );
  const h = ln(t, 'block.ln1');
  const split = (x: string) => b.transpose(b.reshape(x, [0, T, heads, dh]), [0, 2, 1, 3]);
  const q = split(linear(h, 'attn.q', dim, dim));
  const k = split(linear(h, 'attn.k', dim, dim));
  const v = split(linear(h, 'attn.v', dim, dim));
  const scores = b.mul(b.matMul(q, b.transpose(k, [0, 1, 3, 2]), { name: 'attn.scores' }), b.float(1 / Math.sqrt(dh)));
  const ctx = b.matMul(b.softmax(scores, -1), v, { name: 'attn.context' });
  const merged = b.reshape(b.transpose(ctx, [0, 2, 1, 3]), [0, T, dim]);
  t = b.add(t, linear(merged, 'attn.proj', dim, dim));
  const m = b.gelu(linear(ln(t, 'block.ln2'), 'mlp.fc1', dim, 2 * dim));
  t = b.add(t, linear(m, 'mlp.fc2', 2 * dim, dim));
  const pooled = b.reduceMean(ln(t, 'norm'), [1], 0);
  // The text-guided head as src/models builds it: latent Linear, L2 normalise, projection, exp(s) scale.
  const latent = b.gemm(
    pooled,
    b.initializer('head.latent.weight', draw(rng, [embed, dim], 0.5)),
    b.initializer('head.latent.bias', draw(rng, [embed], 0.1)),
    { name: 'head.latent', transB: 1 },
  );
  const unit = b.l2Normalize(latent, -1, { name: 'head.normalize' });
  const proj = b.gemm(unit, b.initializer('head.projection.weight', draw(rng, [classes, embed], 1)), undefined, {
    name: 'head.projection',
    transB: 1,
  });
  const s = b.initializer('head.logit_scale', f32([], [Math.log(1 / 0.07)]));
  b.output(b.mul(b.exp(s, { name: 'head.logit_scale.exp' }), proj, { name: 'head.logits' }), 'logits');
  return b.finishModel({
    'tgr.head': 'text-guided',
    'tgr.backbone': 'vit-like',
    'tgr.last_layers': JSON.stringify(['head.latent', 'head.projection']),
  });
}

/** Seeded N(0,1) images [n, 3, size, size]. */
export function randomImages(n: number, size: number, seed = 3): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * 3 * size * size }, () => rng.normal());
}

/** The model as a foreign exporter might leave it: a Softmax output, no value infos, no tgr metadata. */
export function foreignExport(m: Model): Model {
  const b = new GraphBuilder('foreign');
  b.extend({ ...m.graph, outputs: [] });
  b.output(b.softmax('logits', -1), 'probs');
  return { ...m, graph: { ...b.finish(), valueInfo: new Map() }, metadata: {} };
}
