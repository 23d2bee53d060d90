import type { Conv2dOpts, Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { type Init, torchDefault, zerosInit } from './init.js';
import { layerNormLast, tokenLinear } from './token-layers.js';

/**
 * Width, stage depths and focal levels of a FocalNet (the authors' FocalNet constructor arguments; the focal window
 * is 3 and the focal factor 2 in every released config, so level l's depthwise kernel is 3 + 2l).
 */
export interface FocalNetSize {
  embedDim: number;
  depths: readonly number[];
  /** Focal levels per stage: 2 in the small-receptive-field (SRF) configs, 3 in the large (LRF) ones. */
  focalLevels: readonly number[];
}

/**
 * The authors' configs (microsoft/FocalNet configs/focalnet_{tiny,small}_{srf,lrf}.yaml): T = depths [2, 2, 6, 2],
 * S = [2, 2, 18, 2], embed 96, focal window 3; SRF has 2 focal levels per stage, LRF 3.
 */
export const focalNetSizes = {
  tSrf: { embedDim: 96, depths: [2, 2, 6, 2], focalLevels: [2, 2, 2, 2] },
  tLrf: { embedDim: 96, depths: [2, 2, 6, 2], focalLevels: [3, 3, 3, 3] },
  sSrf: { embedDim: 96, depths: [2, 2, 18, 2], focalLevels: [2, 2, 2, 2] },
  sLrf: { embedDim: 96, depths: [2, 2, 18, 2], focalLevels: [3, 3, 3, 3] },
} satisfies Record<string, FocalNetSize>;

/** FocalNet._init_weights: every nn.Linear trunc_normal(std 0.02) (timm's absolute bounds ±2), biases zero. */
const linearWeight: Init = { kind: 'truncNormal', std: 0.02, a: -2, b: 2 };
const linearInit = { weight: linearWeight, bias: zerosInit };
/** nn.LayerNorm's default ε (the authors pass norm_layer=nn.LayerNorm). */
const eps = 1e-5;
const focalWindow = 3;
const focalFactor = 2;

/** nn.Conv2d with its default init (_init_weights leaves convolutions alone): U(±1/√fan_in) weight and bias. */
function conv(net: Net, x: string, name: string, o: Omit<Conv2dOpts, 'weightInit' | 'biasInit'>): string {
  const fanIn = (net.channels(x) / (o.groups ?? 1)) * o.kernel * o.kernel;
  return net.conv2d(x, name, { ...o, weightInit: () => torchDefault(fanIn), biasInit: torchDefault(fanIn) });
}

/**
 * PatchEmbed: Conv k×k/k (floor on sides that do not divide), then channels-last and LayerNorm → [N, H, W, C].
 * The authors flatten to tokens [N, HW, C]; keeping H and W apart is the same LayerNorm and keeps shapes static.
 */
function patchEmbed(net: Net, x: string, p: string, out: number, patch: number): string {
  const y = conv(net, x, `${p}.proj`, { out, kernel: patch, stride: patch, bias: true });
  return layerNormLast(net, net.b.transpose(y, [0, 2, 3, 1], { name: `${p}.flatten` }), `${p}.norm`, eps);
}

/**
 * FocalModulation on [N, H, W, C]: `f` (Linear C → 2C + L + 1) split into q, ctx and L + 1 gates (channels-first for
 * the convolutions); L focal levels of depthwise Conv (kernel 3 + 2l, no bias) + GELU, each gated into ctx_all; the
 * global context GELU(mean of the last level over H, W) gated last; modulator = `h` (1×1 Conv); q·modulator; `proj`.
 * No post-LN and no modulator normalisation: the T/S configs leave both off.
 */
function focalModulation(net: Net, x: string, p: string, levels: number): string {
  const b = net.b;
  const C = b.shape(x).at(-1) as number;
  const f = tokenLinear(net, x, `${p}.f`, 2 * C + levels + 1, linearInit);
  const fc = b.transpose(f, [0, 3, 1, 2], { name: `${p}.f.permute` });
  const part = (from: number, to: number, name: string) => b.slice(fc, [from], [to], [1], undefined, { name });
  const q = part(0, C, `${p}.q`);
  const gate = (l: number) => part(2 * C + l, 2 * C + l + 1, `${p}.gates.${l}`);
  let ctx = part(C, 2 * C, `${p}.ctx`);
  let all: string | undefined;
  for (let l = 0; l < levels; l++) {
    const k = focalFactor * l + focalWindow;
    ctx = b.gelu(conv(net, ctx, `${p}.focal_layers.${l}.0`, { out: C, kernel: k, pad: (k - 1) / 2, groups: C }), {
      name: `${p}.focal_layers.${l}.1`,
    });
    const gated = b.mul(ctx, gate(l), { name: `${p}.gate_${l}` });
    all = all ? b.add(all, gated, { name: `${p}.ctx_all_${l}` }) : gated;
  }
  const global = b.gelu(b.reduceMean(ctx, [2, 3], 1, { name: `${p}.ctx_global.mean` }), { name: `${p}.act` });
  all = b.add(all!, b.mul(global, gate(levels), { name: `${p}.gate_global` }), { name: `${p}.ctx_all` });
  const modulator = conv(net, all, `${p}.h`, { out: C, kernel: 1, bias: true });
  const out = b.transpose(b.mul(q, modulator, { name: `${p}.modulate` }), [0, 2, 3, 1], { name: `${p}.permute` });
  return tokenLinear(net, out, `${p}.proj`, C, linearInit);
}

/**
 * FocalNetBlock (pre-norm, no layerscale, no post-LN — the T/S configs): x + modulation(norm1(x)), then
 * x + mlp(norm2(x)) with mlp = fc1 (4C), GELU, fc2. Stochastic depth is the identity at eval, and tgr's train mode
 * keeps it off too (the authors train T with 0.2, S with 0.3).
 */
function block(net: Net, x: string, p: string, levels: number): string {
  const b = net.b;
  const C = b.shape(x).at(-1) as number;
  x = b.add(x, focalModulation(net, layerNormLast(net, x, `${p}.norm1`, eps), `${p}.modulation`, levels), {
    name: `${p}.add`,
  });
  const h = b.gelu(tokenLinear(net, layerNormLast(net, x, `${p}.norm2`, eps), `${p}.mlp.fc1`, 4 * C, linearInit), {
    name: `${p}.mlp.act`,
  });
  return b.add(x, tokenLinear(net, h, `${p}.mlp.fc2`, C, linearInit), { name: `${p}.add_1` });
}

/**
 * FocalNet as the authors' classification/focalnet.py builds it: `patch_embed` (Conv 4×4/4 + LayerNorm), stages
 * `layers.i.blocks.j` with `layers.i.downsample` (PatchEmbed 2×2/2 to twice the width + LayerNorm) after every stage
 * but the last, `norm`, average pool over tokens; final Linear `head`. Tensors stay [N, H, W, C] (channels-first only
 * around the convolutions), so any input of at least 4·2^(stages−1) px works, odd sides flooring as the convs do.
 */
export function focalNet(size: FocalNetSize): BackboneBuilder {
  return (net, input) => {
    let x = patchEmbed(net, input, 'patch_embed', size.embedDim, 4);
    size.depths.forEach((depth, stage) => {
      for (let i = 0; i < depth; i++) x = block(net, x, `layers.${stage}.blocks.${i}`, size.focalLevels[stage]!);
      if (stage < size.depths.length - 1) {
        const C = net.b.shape(x).at(-1) as number;
        const nchw = net.b.transpose(x, [0, 3, 1, 2], { name: `layers.${stage}.to_nchw` });
        x = patchEmbed(net, nchw, `layers.${stage}.downsample`, 2 * C, 2);
      }
    });
    x = layerNormLast(net, x, 'norm', eps);
    const features = net.b.reduceMean(x, [1, 2], 0, { name: 'avgpool' });
    return { features, final: { name: 'head', weightInit: linearWeight, biasInit: zerosInit } };
  };
}
