import type { TensorData } from '../onnx/types.js';
import { numel, zeros } from '../onnx/tensor.js';
import type { Rng } from '../core/rng.js';

/**
 * torchvision's initialisation schemes as data: a parameter says how it is filled, and a shapes-only build (for
 * counting) skips the filling, which for VGG's 138M weights is most of the build time.
 */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  /** torch.nn.init.trunc_normal_: normal(0, std) redrawn outside the absolute bounds [a, b]. */
  | { kind: 'truncNormal'; std: number; a: number; b: number }
  | { kind: 'uniform'; bound: number };

/** PyTorch's fan-in and fan-out of a weight [out, in, ...kernel] (`_calculate_fan_in_and_fan_out`). */
export function fans(dims: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = numel(dims.slice(2));
  return { fanIn: (dims[1] ?? 1) * receptive, fanOut: dims[0]! * receptive };
}

/** kaiming_normal_(mode='fan_out', nonlinearity='relu'): ResNet, VGG and MobileNetV2 convolutions. */
export const kaimingNormalFanOut = (dims: readonly number[]): Init => ({
  kind: 'normal',
  std: Math.sqrt(2 / fans(dims).fanOut),
});

/**
 * nn.Conv2d / nn.Linear defaults: kaiming_uniform_(a=√5) for weights, which is U(±1/√fan_in), and the same for bias.
 */
export const torchDefault = (fanIn: number): Init => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });

/** xavier_uniform_: U(±√(6/(fan_in+fan_out))) (ViT attention and MLP weights). */
export const xavierUniform = (dims: readonly number[]): Init => {
  const { fanIn, fanOut } = fans(dims);
  return { kind: 'uniform', bound: Math.sqrt(6 / (fanIn + fanOut)) };
};

/** Zeros (biases, BN shift, class token). */
export const zerosInit: Init = { kind: 'zeros' };
/** Ones (BN and LayerNorm scale). */
export const onesInit: Init = { kind: 'ones' };

/** A float32 tensor filled by `init` from `rng` (or left zero when `rng` is null: shapes-only builds). */
export function initTensor(dims: number[], init: Init, rng: Rng | null): TensorData<'float32'> {
  const t = zeros('float32', dims);
  const d = t.data;
  if (init.kind === 'ones') d.fill(1);
  if (!rng || init.kind === 'zeros' || init.kind === 'ones') return t;
  if (init.kind === 'uniform') {
    // One 32-bit draw per value (Rng.next() spends two for 53 bits a float32 cannot hold); symmetric about 0.
    const k = init.bound / 2 ** 31;
    for (let i = 0; i < d.length; i++) d[i] = (rng.nextU32() + 0.5 - 2 ** 31) * k;
  } else if (init.kind === 'normal') {
    fillNormal(d, rng, init.std);
  } else {
    for (let i = 0; i < d.length; i++) {
      let v: number;
      do v = zigguratNormal(rng) * init.std;
      while (v < init.a || v > init.b);
      d[i] = v;
    }
  }
  return t;
}

/**
 * Ziggurat tables (Marsaglia & Tsang 2000, 128 layers). Most draws cost one 32-bit integer and a compare, about 5×
 * faster than Box–Muller's log, sqrt and cos — which matters: ResNet-152 and VGG draw 60–140M normal weights. The
 * layer index takes the low 7 bits and the value the other 25, so the two are independent (Doornik 2005's fix).
 */
const zig = (() => {
  const m = 2 ** 24;
  const kn = new Float64Array(128);
  const wn = new Float64Array(128);
  const fn = new Float64Array(128);
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * m;
  kn[1] = 0;
  wn[0] = q / m;
  wn[127] = dn / m;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * m;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m;
  }
  return { kn, wn, fn, r: 3.442619855899 };
})();

/** One standard normal draw by the ziggurat. */
export function zigguratNormal(rng: Rng): number {
  const { kn, wn, fn, r } = zig;
  for (;;) {
    const u = rng.nextU32();
    const iz = u & 127;
    const hz = (u | 0) >> 7;
    const x = hz * wn[iz]!;
    if (Math.abs(hz) < kn[iz]!) return x;
    if (iz === 0) {
      // The base layer's tail beyond r, sampled exactly (Marsaglia 1964).
      let t: number;
      let y: number;
      do {
        t = -Math.log(1 - rng.next()) / r;
        y = -Math.log(1 - rng.next());
      } while (y + y < t * t);
      return hz > 0 ? r + t : -r - t;
    }
    if (fn[iz]! + rng.next() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
  }
}

/** Fills with normal(0, std) draws. */
function fillNormal(d: Float32Array, rng: Rng, std: number): void {
  for (let i = 0; i < d.length; i++) d[i] = std * zigguratNormal(rng);
}
