import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { type Init, zerosInit } from './init.js';
import { layerNormLast, tokenLinear } from './token-layers.js';
import { relativePositionIndex, windowPartition, windowReverse } from './windows.js';
import { i64 } from '../onnx/tensor.js';
import { TgrError } from '../core/errors.js';

/** Stem width, per-block channels and layers, head width and partition side (torchvision's MaxVit arguments). */
export interface MaxVitSize {
  stem: number;
  channels: readonly number[];
  layers: readonly number[];
  headDim: number;
  partition: number;
}

/** torchvision 0.14's maxvit_t. */
export const maxVitSizes = {
  t: { stem: 64, channels: [64, 128, 256, 512], layers: [2, 2, 5, 2], headDim: 32, partition: 7 },
} satisfies Record<string, MaxVitSize>;

/** MaxVit._init_weights: every Conv2d and Linear normal(0, 0.02), biases zero. */
const weightInit: Init = { kind: 'normal', std: 0.02 };
const linearInit = { weight: weightInit, bias: zerosInit };
/** MaxVit's conv norm: BatchNorm2d(eps=1e-3, momentum=0.99) — PyTorch's momentum, copied from the TF release. */
const bnEps = 1e-3;
const bnMomentum = 0.99;
/** nn.LayerNorm's default ε, used by the attention, MLP and classifier norms. */
const lnEps = 1e-5;
/**
 * MBConv expansion, squeeze-excitation ratio (of the block's output channels, as torchvision computes it), MLP ratio.
 */
const expansion = 4;
const squeeze = 0.25;
const mlpRatio = 4;

/** BatchNorm2d with MaxViT's ε and momentum. */
const bn = (net: Net, x: string, name: string) => net.batchNorm2d(x, name, bnEps, bnMomentum);

/**
 * The side of each block's feature map (after its stride-2 first layer) for a square input, as torchvision's
 * _make_block_input_shapes computes it: every 3×3/2 pad-1 conv maps d to ⌊(d−1)/2⌋+1.
 */
export function maxVitBlockSides(side: number, blocks: number): number[] {
  const half = (d: number) => Math.floor((d - 1) / 2) + 1;
  const sides: number[] = [];
  let d = half(side);
  for (let i = 0; i < blocks; i++) sides.push((d = half(d)));
  return sides;
}

/**
 * torchvision's rule, refused in one line: the partition side must divide every block's map. Non-square inputs
 * are refused too: grid attention there gives groups of other than partition² tokens, which torch's position bias
 * cannot be added to.
 */
function checkInput(size: MaxVitSize, label: string, [C, H, W]: readonly number[]): void {
  const hs = maxVitBlockSides(H!, size.channels.length);
  const ws = maxVitBlockSides(W!, size.channels.length);
  if (H === W && hs.every((d) => d % size.partition === 0)) return;
  const fit = size.partition * 2 ** (size.channels.length + 1);
  throw new TgrError(
    'bad_argument',
    `${label}: a ${C}×${H}×${W} input gives block maps ${hs.map((d, i) => `${d}×${ws[i]}`).join(', ')}; ` +
      `MaxViT needs square maps its partition side ${size.partition} divides ` +
      `(torchvision's rule); resize the images to ${fit}×${fit} (or a multiple)`,
  );
}

/** SqueezeExcitation(mid, sqz, activation=SiLU): global pool, fc1, SiLU, fc2, Sigmoid, scale the input. */
function squeezeExcitation(net: Net, x: string, p: string, sqz: number): string {
  const b = net.b;
  const mid = net.channels(x);
  const pooled = b.globalAveragePool(x, { name: `${p}.avgpool` });
  const s1 = net.conv2d(pooled, `${p}.fc1`, { out: sqz, kernel: 1, bias: true, weightInit: () => weightInit });
  const act = b.mul(s1, b.sigmoid(s1, { name: `${p}.activation.sigmoid` }), { name: `${p}.activation` });
  const s2 = net.conv2d(act, `${p}.fc2`, { out: mid, kernel: 1, bias: true, weightInit: () => weightInit });
  return b.mul(b.sigmoid(s2, { name: `${p}.scale_activation` }), x, { name: `${p}.scale` });
}

/** Conv2dNormActivation without conv bias: `${p}.0` conv, `${p}.1` BN, `${p}.2` GELU. */
function convBnGelu(net: Net, x: string, p: string, out: number, kernel: number, stride: number, groups: number) {
  const y = net.conv2d(x, `${p}.0`, {
    out,
    kernel,
    stride,
    pad: (kernel - 1) >> 1,
    groups,
    weightInit: () => weightInit,
  });
  return net.b.gelu(bn(net, y, `${p}.1`), { name: `${p}.2` });
}

/**
 * MBConv (NCHW): proj(x) + layers(x), layers = pre_norm BN, 1×1 expand ×4 + BN + GELU, depthwise 3×3 (stride as
 * given) + BN + GELU, squeeze-excitation, 1×1 project with bias. proj is AvgPool 3×3/2 (padding counted, as
 * nn.AvgPool2d does) then a 1×1 conv with bias when downsampling, the identity otherwise. Stochastic depth is the
 * identity at eval, and tgr's train mode keeps it off.
 */
function mbConv(net: Net, x: string, p: string, out: number, stride: number): string {
  const b = net.b;
  const inC = net.channels(x);
  let res = x;
  if (stride !== 1 || inC !== out) {
    const pooled =
      stride === 2
        ? b.averagePool(x, {
            name: `${p}.proj.0`,
            kernel_shape: [3, 3],
            strides: [2, 2],
            pads: [1, 1, 1, 1],
            count_include_pad: 1,
          })
        : x;
    const conv = `${p}.proj.${stride === 2 ? 1 : 0}`;
    res = net.conv2d(pooled, conv, { out, kernel: 1, bias: true, weightInit: () => weightInit });
  }
  const l = `${p}.layers`;
  const mid = Math.floor(out * expansion);
  let y = convBnGelu(net, bn(net, x, `${l}.pre_norm`), `${l}.conv_a`, mid, 1, 1, 1);
  y = convBnGelu(net, y, `${l}.conv_b`, mid, 3, stride, mid);
  y = squeezeExcitation(net, y, `${l}.squeeze_excitation`, Math.floor(out * squeeze));
  y = net.conv2d(y, `${l}.conv_c`, { out, kernel: 1, bias: true, weightInit: () => weightInit });
  return b.add(res, y, { name: `${p}.add` });
}

/**
 * RelativePositionalMultiHeadAttention on [N, G, T, C] (G groups of T = partition² tokens): to_qkv, heads of
 * headDim, k scaled by C^−½ (torchvision scales by the feature width, not the head width), q·kᵀ plus the learned
 * table gathered by the constant relative_position_index, softmax, ·v, merge. q·kᵀ (`.scores`) and attn·v
 * (`.context`) are MatMuls, so they are fault sites like the Linears.
 */
function relativeAttention(net: Net, x: string, p: string, headDim: number, ps: number): string {
  const b = net.b;
  const [, G, T, C] = b.shape(x) as [string, number, number, number];
  const heads = C / headDim;
  const qkv = tokenLinear(net, x, `${p}.to_qkv`, 3 * C, linearInit);
  const split = b.transpose(b.reshape(qkv, [0, G, T, 3, heads, headDim]), [3, 0, 1, 4, 2, 5], {
    name: `${p}.split_heads`,
  });
  const [q, k, v] = [0, 1, 2].map((i) => b.gather(split, b.constant(i64([], [i])), 0, { name: `${p}.${'qkv'[i]}` }));
  const kScaled = b.mul(k!, b.float(C ** -0.5), { name: `${p}.k_scale` });
  const scores = b.matMul(q!, b.transpose(kScaled, [0, 1, 2, 4, 3], { name: `${p}.k_t` }), { name: `${p}.scores` });
  const table = net.param(`${p}.relative_position_bias_table`, [(2 * ps - 1) ** 2, heads], {
    kind: 'truncNormal',
    std: 0.02,
    a: -2,
    b: 2,
  });
  const index = b.constant(i64([T * T], relativePositionIndex([ps, ps])));
  const pairs = b.reshape(b.gather(table, index, 0, { name: `${p}.relative_position_bias` }), [T, T, heads]);
  const bias = b.transpose(pairs, [2, 0, 1], { name: `${p}.relative_position_bias.heads_first` });
  const attn = b.softmax(b.add(scores, bias, { name: `${p}.add_position_bias` }), -1, { name: `${p}.softmax` });
  const context = b.matMul(attn, v!, { name: `${p}.context` });
  const merged = b.reshape(b.transpose(context, [0, 1, 3, 2, 4]), [0, G, T, C], { name: `${p}.merge_heads` });
  return tokenLinear(net, merged, `${p}.merge`, C, linearInit);
}

/**
 * PartitionAttentionLayer on a channels-last map [N, H, W, C]. 'window' splits into partition×partition windows;
 * 'grid' splits into (H/partition)² windows and swaps axes, so each group holds partition² tokens strided across
 * the whole map. Then x + attn(LN(x)) and x + MLP(LN(x)) (Linear ×4, GELU, Linear), and the partition undone.
 * Windows come out in torchvision's order, so the NCHW round trip torchvision makes per layer is not needed.
 */
function partitionAttention(net: Net, x: string, p: string, kind: 'window' | 'grid', size: MaxVitSize): string {
  const b = net.b;
  const [, H, W, C] = b.shape(x) as [string, number, number, number];
  const side = kind === 'window' ? size.partition : H / size.partition;
  let t = windowPartition(b, x, [side, side], `${p}.partition`);
  if (kind === 'grid') t = b.transpose(t, [0, 2, 1, 3], { name: `${p}.partition_swap` });
  const a = relativeAttention(
    net,
    layerNormLast(net, t, `${p}.attn_layer.0`, lnEps),
    `${p}.attn_layer.1`,
    size.headDim,
    size.partition,
  );
  t = b.add(t, a, { name: `${p}.add` });
  let m = tokenLinear(
    net,
    layerNormLast(net, t, `${p}.mlp_layer.0`, lnEps),
    `${p}.mlp_layer.1`,
    mlpRatio * C,
    linearInit,
  );
  m = tokenLinear(net, b.gelu(m, { name: `${p}.mlp_layer.2` }), `${p}.mlp_layer.3`, C, linearInit);
  t = b.add(t, m, { name: `${p}.add_1` });
  if (kind === 'grid') t = b.transpose(t, [0, 2, 1, 3], { name: `${p}.departition_swap` });
  return windowReverse(b, t, [side, side], H, W, `${p}.departition`);
}

/** MaxVitLayer: MBConv, then window (block) attention and grid attention, channels-last between the two. */
function maxVitLayer(net: Net, x: string, p: string, out: number, stride: number, size: MaxVitSize): string {
  const b = net.b;
  const l = `${p}.layers`;
  const y = b.transpose(mbConv(net, x, `${l}.MBconv`, out, stride), [0, 2, 3, 1], { name: `${p}.to_nhwc` });
  const z = partitionAttention(
    net,
    partitionAttention(net, y, `${l}.window_attention`, 'window', size),
    `${l}.grid_attention`,
    'grid',
    size,
  );
  return b.transpose(z, [0, 3, 1, 2], { name: `${p}.to_nchw` });
}

/**
 * MaxViT as torchvision 0.14's MaxVit: `stem` (Conv 3×3/2 + BN + GELU, Conv 3×3 with bias), `blocks.i.layers.j`
 * MaxVitLayers (the first of each block strides 2), `classifier` = AdaptiveAvgPool, Flatten, LayerNorm, Linear
 * C→C, Tanh; the final Linear `classifier.5` (C→classes) has no bias. The input must be square with every block's
 * map a multiple of the partition side (224×224 for maxvit-t).
 */
export function maxVit(size: MaxVitSize): BackboneBuilder {
  return (net, input, spec) => {
    checkInput(size, spec.backbone, spec.inputShape);
    const b = net.b;
    let x = convBnGelu(net, input, 'stem.0', size.stem, 3, 2, 1);
    x = net.conv2d(x, 'stem.1.0', { out: size.stem, kernel: 3, pad: 1, bias: true, weightInit: () => weightInit });
    size.channels.forEach((out, i) => {
      for (let j = 0; j < size.layers[i]!; j++) {
        x = maxVitLayer(net, x, `blocks.${i}.layers.${j}`, out, j === 0 ? 2 : 1, size);
      }
    });
    const pooled = net.flatten(b.globalAveragePool(x, { name: 'classifier.0' }), 'classifier.1');
    const C = net.channels(pooled);
    const hidden = net.linear(
      layerNormLast(net, pooled, 'classifier.2', lnEps),
      'classifier.3',
      C,
      weightInit,
      zerosInit,
    );
    const features = b.tanh(hidden, { name: 'classifier.4' });
    return { features, final: { name: 'classifier.5', weightInit, biasInit: null } };
  };
}
