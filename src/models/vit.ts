import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { type Init, torchDefault, xavierUniform, zerosInit } from './init.js';
import { geluMlp, layerNormLast, tokenLinear } from './token-layers.js';
import { i64 } from '../onnx/tensor.js';
import { TgrError } from '../core/errors.js';

/** Width, depth, heads and MLP width of a ViT. */
export interface VitSize {
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
}

/** DeiT's tiny and small sizes, and torchvision's ViT-B (its parameter count checks the layout). */
export const vitSizes = {
  tiny: { dim: 192, depth: 12, heads: 3, mlpDim: 768 },
  small: { dim: 384, depth: 12, heads: 6, mlpDim: 1536 },
  base: { dim: 768, depth: 12, heads: 12, mlpDim: 3072 },
} satisfies Record<string, VitSize>;

/** MLPBlock bias init in torchvision: normal(0, 1e-6). */
const mlpBias: Init = { kind: 'normal', std: 1e-6 };

/** nn.LayerNorm over the last axis, eps 1e-6 as torchvision's ViT uses. */
const layerNorm = (net: Net, x: string, name: string) => layerNormLast(net, x, name, 1e-6);

/** nn.MultiheadAttention (batch first, packed in_proj as torchvision's ViT has it); q·kᵀ and attn·v are MatMuls too. */
function selfAttention(net: Net, x: string, a: string, size: VitSize): string {
  const b = net.b;
  const [, T, D] = b.shape(x) as [string, number, number];
  const dh = D / size.heads;
  // nn.MultiheadAttention keeps its packed projection as `in_proj_weight`/`in_proj_bias`, not a Linear's names.
  const inProj = `${a}.in_proj`;
  const w = net.param(`${a}.in_proj_weight`, [3 * D, D], xavierUniform([3 * D, D]));
  const qkv = b.add(
    b.matMul(x, b.transpose(w, [1, 0], { name: `${inProj}.weight_t` }), { name: inProj }),
    net.param(`${a}.in_proj_bias`, [3 * D], zerosInit),
    { name: `${inProj}.add_bias` },
  );
  const split = b.transpose(b.reshape(qkv, [0, T, 3, size.heads, dh]), [2, 0, 3, 1, 4], { name: `${a}.split_heads` });
  const [q, k, v] = [0, 1, 2].map((i) => b.gather(split, b.constant(i64([], [i])), 0, { name: `${a}.${'qkv'[i]}` }));
  const scores = b.matMul(q!, b.transpose(k!, [0, 1, 3, 2], { name: `${a}.k_t` }), { name: `${a}.scores` });
  const attn = b.softmax(b.mul(scores, b.float(1 / Math.sqrt(dh)), { name: `${a}.scale` }), -1, {
    name: `${a}.softmax`,
  });
  const context = b.matMul(attn, v!, { name: `${a}.context` });
  const merged = b.reshape(b.transpose(context, [0, 2, 1, 3]), [0, T, D], { name: `${a}.merge_heads` });
  return tokenLinear(net, merged, `${a}.out_proj`, D, { weight: torchDefault(D), bias: zerosInit });
}

/** torchvision EncoderBlock: pre-norm attention and MLP (Linear, GELU, Linear), each added back (dropout 0). */
function encoderBlock(net: Net, x: string, p: string, size: VitSize): string {
  const b = net.b;
  x = b.add(x, selfAttention(net, layerNorm(net, x, `${p}.ln_1`), `${p}.self_attention`, size), { name: `${p}.add` });
  const y = geluMlp(net, layerNorm(net, x, `${p}.ln_2`), `${p}.mlp`, size.mlpDim, (dims) => ({
    weight: xavierUniform(dims),
    bias: mlpBias,
  }));
  return b.add(x, y, { name: `${p}.add_1` });
}

/**
 * Vision Transformer as torchvision's VisionTransformer: `conv_proj` patch embedding, `class_token`,
 * `encoder.pos_embedding`, blocks `encoder.layers.encoder_layer_i`, `encoder.ln`; final Linear `heads.head`
 * (zero-initialised, as torchvision does). Patch size: spec.patchSize, else 16 for inputs of at least 128 px, else 4.
 */
export function vit(size: VitSize): BackboneBuilder {
  return (net, input, spec) => {
    const b = net.b;
    const [C, H, W] = spec.inputShape;
    const p = spec.patchSize ?? (Math.min(H, W) >= 128 ? 16 : 4);
    if (H % p !== 0 || W % p !== 0) {
      throw new TgrError(
        'bad_argument',
        `${spec.backbone}: a ${H}×${W} input does not divide into ${p}×${p} patches; pass a patch size dividing both sides`,
      );
    }
    const D = size.dim;
    const T = (H / p) * (W / p);
    const std = Math.sqrt(1 / (C * p * p));
    const patches = net.conv2d(input, 'conv_proj', {
      out: D,
      kernel: p,
      stride: p,
      bias: true,
      weightInit: () => ({ kind: 'truncNormal', std, a: -2, b: 2 }),
      biasInit: zerosInit,
    });
    const tokens = b.transpose(b.reshape(patches, [0, D, T], { name: 'patches.flatten' }), [0, 2, 1], {
      name: 'patches.tokens',
    });
    // Prepend the class token by padding a zero token and adding the padded class token: Expand to [N, 1, D] would
    // need the run-time batch size, which costs the graph its static shapes. Adding zeros is exact.
    const cls = b.pad(net.param('class_token', [1, 1, D], zerosInit), [0, 0, 0, 0, T, 0], { name: 'class_token.pad' });
    let x = b.add(b.pad(tokens, [0, 1, 0, 0, 0, 0], { name: 'patches.pad' }), cls, { name: 'class_token.add' });
    x = b.add(x, net.param('encoder.pos_embedding', [1, T + 1, D], { kind: 'normal', std: 0.02 }), {
      name: 'encoder.add_pos',
    });
    for (let i = 0; i < size.depth; i++) x = encoderBlock(net, x, `encoder.layers.encoder_layer_${i}`, size);
    x = layerNorm(net, x, 'encoder.ln');
    const features = b.gather(x, b.constant(i64([], [0])), 1, { name: 'class_token.select' });
    return { features, final: { name: 'heads.head', weightInit: zerosInit, biasInit: zerosInit } };
  };
}
