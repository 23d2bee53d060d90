import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { type Init, torchDefault, zerosInit } from './init.js';
import { geluMlp, layerNormLast, tokenLinear, tokenMatMul } from './token-layers.js';
import {
  type Window,
  padToWindows,
  relativePositionIndex,
  roll,
  shiftedWindowMask,
  windowPartition,
  windowReverse,
} from './windows.js';
import { f32, i64 } from '../onnx/tensor.js';

/**
 * Width, stage depths, heads per stage and window side of a Swin Transformer V2 (torchvision's constructor arguments).
 */
export interface SwinV2Size {
  embedDim: number;
  depths: readonly number[];
  heads: readonly number[];
  window: number;
}

/** torchvision 0.14's swin_v2_t and swin_v2_s (patch 4, window 8, MLP ratio 4). */
export const swinV2Sizes = {
  t: { embedDim: 96, depths: [2, 2, 6, 2], heads: [3, 6, 12, 24], window: 8 },
  s: { embedDim: 96, depths: [2, 2, 18, 2], heads: [3, 6, 12, 24], window: 8 },
} satisfies Record<string, SwinV2Size>;

/** SwinTransformer's init: every nn.Linear trunc_normal(std 0.02) (bounds ±2 absolute), biases zero. */
const linearWeight: Init = { kind: 'truncNormal', std: 0.02, a: -2, b: 2 };
const linearInit = () => ({ weight: linearWeight, bias: zerosInit });
/** torchvision's norm_layer for Swin: nn.LayerNorm(eps=1e-5). */
const eps = 1e-5;
/** The continuous position bias MLP's hidden width (fixed at 512 in torchvision and the paper). */
const cpbHidden = 512;

/**
 * relative_coords_table (a buffer, not a parameter): the log-spaced relative offsets (Δh, Δw) ∈ [−(w−1), w−1]²,
 * scaled to ±8 and mapped to sign·log2(1+|x|)/3, as [1, 2wh−1, 2ww−1, 2]; fp32 at every step as torch computes it.
 */
export function relativeCoordsTable(ws: Window): Float32Array {
  const [H, W] = [2 * ws[0] - 1, 2 * ws[1] - 1];
  const out = new Float32Array(H * W * 2);
  const f = (d: number, w: number) => {
    const x = Math.fround(Math.fround(d / (w - 1)) * 8);
    return Math.fround(Math.fround(Math.sign(x) * Math.fround(Math.log2(Math.abs(x) + 1))) / 3);
  };
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      out[(i * W + j) * 2] = f(i - (ws[0] - 1), ws[0]);
      out[(i * W + j) * 2 + 1] = f(j - (ws[1] - 1), ws[1]);
    }
  }
  return out;
}

/**
 * 16·sigmoid(cpb_mlp(relative_coords_table)) gathered by relative_position_index into [heads, T, T]. The MLP reads
 * only constants, so its Linears have no batch axis and are not per-image fault sites (faults/model/layers.ts).
 */
function positionBias(net: Net, p: string, ws: Window, heads: number): string {
  const b = net.b;
  const table = b.constant(f32([1, 2 * ws[0] - 1, 2 * ws[1] - 1, 2], relativeCoordsTable(ws)));
  const hidden = b.relu(tokenLinear(net, table, `${p}.cpb_mlp.0`, cpbHidden, linearInit()), {
    name: `${p}.cpb_mlp.1`,
  });
  const perOffset = b.reshape(tokenMatMul(net, hidden, `${p}.cpb_mlp.2`, heads, linearWeight), [-1, heads]);
  const T = ws[0] * ws[1];
  const index = b.constant(i64([T * T], relativePositionIndex(ws)));
  const pairs = b.reshape(b.gather(perOffset, index, 0, { name: `${p}.relative_position_bias` }), [T, T, heads]);
  const bias = b.sigmoid(b.transpose(pairs, [2, 0, 1]), { name: `${p}.relative_position_bias.sigmoid` });
  return b.mul(bias, b.float(16), { name: `${p}.relative_position_bias.scale` });
}

/**
 * ShiftedWindowAttentionV2 on [N, H, W, C]: pad to window multiples, cyclic shift (no shift along a side the window
 * already covers), windows, cosine attention with exp(min(logit_scale, ln 100)), the continuous position bias and,
 * when shifted, the −100 region mask; then the reverse. The key third of qkv.bias is a parameter torchvision zeroes
 * at every forward, hence the constant 1/0/1 factor (its gradient is then 0 too, as in torch). q·kᵀ (`.scores`) and
 * attn·v (`.context`) are MatMuls, so they are fault sites like the Linears.
 */
function windowAttention(net: Net, x: string, p: string, heads: number, ws: Window, shifted: boolean): string {
  const b = net.b;
  const [, H, W, C] = b.shape(x) as [string, number, number, number];
  let xp = padToWindows(b, x, ws, `${p}.pad`);
  const [, pH, pW] = b.shape(xp) as [string, number, number];
  const shift: Window = [shifted && ws[0] < pH ? ws[0] / 2 : 0, shifted && ws[1] < pW ? ws[1] / 2 : 0];
  xp = roll(b, roll(b, xp, -shift[0], 1, `${p}.roll_h`), -shift[1], 2, `${p}.roll_w`);
  const win = windowPartition(b, xp, ws, `${p}.windows`);
  const nW = (pH / ws[0]) * (pW / ws[1]);
  const T = ws[0] * ws[1];
  const dh = C / heads;
  const keyless = f32(
    [3 * C],
    Array.from({ length: 3 * C }, (_, i) => (i >= C && i < 2 * C ? 0 : 1)),
  );
  const qkvBias = b.mul(net.param(`${p}.qkv.bias`, [3 * C], zerosInit), b.constant(keyless), {
    name: `${p}.qkv.bias_k_zero`,
  });
  const qkv = b.add(tokenMatMul(net, win, `${p}.qkv`, 3 * C, linearWeight), qkvBias, { name: `${p}.qkv.add_bias` });
  const split = b.transpose(b.reshape(qkv, [0, nW, T, 3, heads, dh]), [3, 0, 1, 4, 2, 5], {
    name: `${p}.split_heads`,
  });
  const [q, k, v] = [0, 1, 2].map((i) => b.gather(split, b.constant(i64([], [i])), 0, { name: `${p}.${'qkv'[i]}` }));
  const qn = b.l2Normalize(q!, -1, { name: `${p}.q_normalize` });
  const kn = b.l2Normalize(k!, -1, { name: `${p}.k_normalize` });
  const scores = b.matMul(qn, b.transpose(kn, [0, 1, 2, 4, 3], { name: `${p}.k_t` }), { name: `${p}.scores` });
  const logitScale = net.paramTensor(`${p}.logit_scale`, f32([heads, 1, 1], new Array(heads).fill(Math.log(10))));
  const scale = b.exp(b.clip(logitScale, -Infinity, Math.log(100), { name: `${p}.logit_scale.clamp` }), {
    name: `${p}.logit_scale.exp`,
  });
  let attn = b.add(b.mul(scores, scale, { name: `${p}.scale` }), positionBias(net, p, ws, heads), {
    name: `${p}.add_position_bias`,
  });
  if (shift[0] || shift[1]) {
    const mask = b.constant(f32([nW, 1, T, T], shiftedWindowMask(pH, pW, ws, shift)));
    attn = b.add(attn, mask, { name: `${p}.add_mask` });
  }
  const context = b.matMul(b.softmax(attn, -1, { name: `${p}.softmax` }), v!, { name: `${p}.context` });
  const merged = b.reshape(b.transpose(context, [0, 1, 3, 2, 4]), [0, nW, T, C], { name: `${p}.merge_heads` });
  const out = tokenLinear(net, merged, `${p}.proj`, C, linearInit());
  let y = windowReverse(b, out, ws, pH, pW, `${p}.unwindow`);
  y = roll(b, roll(b, y, shift[0], 1, `${p}.unroll_h`), shift[1], 2, `${p}.unroll_w`);
  return pH === H && pW === W ? y : b.slice(y, [0, 0], [H, W], [1, 2], undefined, { name: `${p}.unpad` });
}

/**
 * SwinTransformerBlockV2 (res-post-norm): x + norm1(attn(x)), then x + norm2(mlp(x)). Stochastic depth is the
 * identity at eval, and tgr's train mode keeps it off too (torchvision trains swin_v2_t with 0.2).
 */
function block(net: Net, x: string, p: string, heads: number, ws: Window, shifted: boolean): string {
  const b = net.b;
  const attn = layerNormLast(net, windowAttention(net, x, `${p}.attn`, heads, ws, shifted), `${p}.norm1`, eps);
  x = b.add(x, attn, { name: `${p}.add` });
  const C = b.shape(x).at(-1) as number;
  const mlp = geluMlp(net, x, `${p}.mlp`, 4 * C, linearInit);
  return b.add(x, layerNormLast(net, mlp, `${p}.norm2`, eps), { name: `${p}.add_1` });
}

/**
 * PatchMergingV2: pad H and W to even, gather each 2×2 neighbourhood's tokens in torchvision's order
 * (x0 = [0::2, 0::2], x1 = [1::2, 0::2], x2 = [0::2, 1::2], x3 = [1::2, 1::2]) by Reshape + Transpose rather than
 * strided slices, then `reduction` (Linear 4C→2C, no bias) and `norm` (LayerNorm 2C).
 */
function patchMerging(net: Net, x: string, p: string): string {
  const b = net.b;
  const [, H, W, C] = b.shape(x) as [string, number, number, number];
  const [ph, pw] = [H % 2, W % 2];
  const xp = ph || pw ? b.pad(x, [0, 0, 0, 0, 0, ph, pw, 0], { name: `${p}.pad` }) : x;
  const [h, w] = [(H + ph) / 2, (W + pw) / 2];
  const grid = b.reshape(xp, [0, h, 2, w, 2, C], { name: `${p}.grid` });
  const merged = b.reshape(b.transpose(grid, [0, 1, 3, 4, 2, 5]), [0, h, w, 4 * C], { name: `${p}.merge` });
  return layerNormLast(net, tokenMatMul(net, merged, `${p}.reduction`, 2 * C, linearWeight), `${p}.norm`, eps);
}

/**
 * Swin Transformer V2 as torchvision 0.14's SwinTransformer with SwinTransformerBlockV2 and PatchMergingV2:
 * `features.0` (Conv 4×4/4, NHWC permute, LayerNorm), stages `features.1/3/5/7` with `features.2/4/6` merging
 * between them (blocks alternate unshifted and half-window-shifted windows), `norm`, average pool; final Linear
 * `head`. Any input of at least 4 px works: sides are padded to the window and to even sizes as torchvision does.
 */
export function swinV2(size: SwinV2Size): BackboneBuilder {
  return (net, input) => {
    const b = net.b;
    const ws: Window = [size.window, size.window];
    const fanIn = net.channels(input) * 16;
    const patches = net.conv2d(input, 'features.0.0', {
      out: size.embedDim,
      kernel: 4,
      stride: 4,
      bias: true,
      weightInit: () => torchDefault(fanIn),
      biasInit: torchDefault(fanIn),
    });
    let x = layerNormLast(net, b.transpose(patches, [0, 2, 3, 1], { name: 'features.0.1' }), 'features.0.2', eps);
    size.depths.forEach((depth, stage) => {
      if (stage > 0) x = patchMerging(net, x, `features.${2 * stage}`);
      for (let i = 0; i < depth; i++) {
        x = block(net, x, `features.${2 * stage + 1}.${i}`, size.heads[stage]!, ws, i % 2 === 1);
      }
    });
    x = layerNormLast(net, x, 'norm', eps);
    const features = b.reduceMean(x, [1, 2], 0, { name: 'avgpool' });
    return { features, final: { name: 'head', weightInit: linearWeight, biasInit: zerosInit } };
  };
}
