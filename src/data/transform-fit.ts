/**
 * Fits dataset images to a model's input the way a torchvision evaluation pipeline does on tensors: Resize(shorter
 * side, bilinear, antialias off — torchvision 0.14's tensor default), CenterCrop(H, W), grey ↔ RGB, Normalize.
 * Downscaling therefore matches `antialias=False`, not PIL; see docs/ARCHITECTURE.md "Data".
 */
import { TgrError, check } from '../core/errors.js';
import type { ChannelStats, ImageShape } from './dataset.js';
import { resizeShorter, roundHalfEven } from './crop-geometry.js';

/** How images are fitted: the output [C,H,W], the shorter side before the crop, and the normalisation (null = none). */
export interface FitSpec {
  shape: ImageShape;
  resize: number;
  normalize: ChannelStats | null;
}

/** Named normalisations for `--normalize`; ImageNet's are torchvision's constants. */
export const normalizePresets: Record<string, ChannelStats | null> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  none: null,
};

/** torchvision's rgb_to_grayscale weights (ITU-R 601-2 luma). */
const lumaWeights = [0.2989, 0.587, 0.114] as const;

/** Parses `--normalize`: a preset name, `MEAN,STD` for every channel, or `M1,…,Mc,S1,…,Sc` per channel. */
export function parseNormalize(v: string): ChannelStats | null {
  if (v in normalizePresets) return normalizePresets[v]!;
  const nums = v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  const ok = nums.length >= 2 && nums.length % 2 === 0 && nums.every(Number.isFinite);
  const half = nums.length / 2;
  if (!ok || nums.slice(half).some((s) => s <= 0)) {
    throw new TgrError(
      'bad_argument',
      `--normalize expects ${Object.keys(normalizePresets).join(' | ')}, MEAN,STD or per-channel means then stds (std > 0); got '${v}'`,
    );
  }
  return { mean: nums.slice(0, half), std: nums.slice(half) };
}

/** Parses `--crop`: `S` for S×S or `H,W`. */
export function parseCrop(v: string): [number, number] {
  const nums = v.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  if ((nums.length === 1 || nums.length === 2) && nums.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 65536)) {
    return [nums[0]!, nums[1] ?? nums[0]!];
  }
  throw new TgrError('bad_argument', `--crop expects S or H,W (whole numbers from 1 to 65536); got '${v}'`);
}

/** Source index pairs and weights of a bilinear resize along one axis (PyTorch's align_corners=False rule). */
function axisTaps(inSize: number, outSize: number, offset: number, count: number) {
  const i0 = new Int32Array(count);
  const i1 = new Int32Array(count);
  const w1 = new Float32Array(count);
  const scale = inSize / outSize;
  for (let k = 0; k < count; k++) {
    const src = Math.max(0, scale * (k + offset + 0.5) - 0.5);
    const a = Math.min(Math.floor(src), inSize - 1);
    i0[k] = a;
    i1[k] = a < inSize - 1 ? a + 1 : a;
    w1[k] = src - a;
  }
  return { i0, i1, w1 };
}

/**
 * A fitter from [0,1] float images of `src` shape to `spec.shape`: output (y, x) of the crop reads the resized image
 * at (y + top, x + left), computed straight from the source so the resized image is never built.
 */
export function imageFitter(
  src: ImageShape,
  spec: FitSpec,
): (img: Float32Array, out: Float32Array, outOff: number) => void {
  const [sc, sh, sw] = src;
  const [oc, oh, ow] = spec.shape;
  check(
    sc === oc || sc === 1 || (sc === 3 && oc === 1),
    'bad_argument',
    () => `images have ${sc} channels and the model takes ${oc}; only grey ↔ RGB can be fitted — pick another dataset`,
  );
  const [rw, rh] = resizeShorter(sw, sh, spec.resize);
  check(
    rh >= oh && rw >= ow,
    'bad_argument',
    () =>
      `--resize ${spec.resize} makes ${rw}×${rh} images, smaller than the ${ow}×${oh} crop; pass --resize ≥ ${Math.max(oh, ow)}`,
  );
  const top = roundHalfEven((rh - oh) / 2);
  const left = roundHalfEven((rw - ow) / 2);
  const ys = axisTaps(sh, rh, top, oh);
  const xs = axisTaps(sw, rw, left, ow);
  const plane = oh * ow;
  const resized = new Float32Array(sc * plane);
  const norm = spec.normalize;
  return (img, out, outOff) => {
    for (let c = 0; c < sc; c++) {
      const base = c * sh * sw;
      for (let y = 0; y < oh; y++) {
        const r0 = base + ys.i0[y]! * sw;
        const r1 = base + ys.i1[y]! * sw;
        const wy = ys.w1[y]!;
        const d = c * plane + y * ow;
        for (let x = 0; x < ow; x++) {
          const a = xs.i0[x]!;
          const b = xs.i1[x]!;
          const wx = xs.w1[x]!;
          const t = img[r0 + a]! + (img[r0 + b]! - img[r0 + a]!) * wx;
          const u = img[r1 + a]! + (img[r1 + b]! - img[r1 + a]!) * wx;
          resized[d + x] = t + (u - t) * wy;
        }
      }
    }
    for (let c = 0; c < oc; c++) {
      const mean = norm ? (norm.mean[c] ?? norm.mean[0]!) : 0;
      const inv = norm ? 1 / (norm.std[c] ?? norm.std[0]!) : 1;
      const d = outOff + c * plane;
      for (let p = 0; p < plane; p++) {
        const v =
          sc === oc
            ? resized[c * plane + p]!
            : sc === 1
              ? resized[p]!
              : lumaWeights[0] * resized[p]! +
                lumaWeights[1] * resized[plane + p]! +
                lumaWeights[2] * resized[2 * plane + p]!;
        out[d + p] = (v - mean) * inv;
      }
    }
  };
}

/** The default shorter side: the crop's larger side, so a square crop keeps the whole (square) image. */
export function defaultResize(shape: ImageShape): number {
  return Math.max(shape[1], shape[2]);
}

/** One line naming the fit, for golden.json and the report's Settings. */
export function describeFit(src: ImageShape, spec: FitSpec): string {
  const n = spec.normalize;
  const norm = n ? `normalize mean ${n.mean.join(',')} std ${n.std.join(',')}` : 'no normalisation';
  return `[${src.join(',')}] → resize ${spec.resize} (bilinear, no antialias), centre crop ${spec.shape[1]}×${spec.shape[2]}, ${src[0]}→${spec.shape[0]} channels, ${norm}`;
}
