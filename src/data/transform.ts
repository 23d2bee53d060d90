/**
 * The in-memory augmentation and normalisation kernel: one pass from a uint8 CHW image to normalised float32,
 * applying a padded random crop and a mirror by index arithmetic instead of building intermediate images.
 */
import type { Rng } from '../core/rng.js';
import type { AugmentPolicy, ChannelStats, ImageShape } from './dataset.js';

/** One image's augmentation draw: crop offset within the padded image, and whether to mirror. */
export interface ImageAug {
  dy: number;
  dx: number;
  flip: boolean;
}

/** The identity draw: no shift, no mirror. */
export const noAug: ImageAug = { dy: 0, dx: 0, flip: false };

/** Per-channel table from a uint8 value to its normalised float, (v/255 − mean)/std; 256 entries per channel. */
export function normalizeTable(stats: ChannelStats, channels: number): Float32Array {
  const lut = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const mean = stats.mean[c] ?? stats.mean[0]!;
    const std = stats.std[c] ?? stats.std[0]!;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean) / std;
  }
  return lut;
}

/** Draws one image's crop offset and mirror; the draw order is fixed so a seed reproduces a batch. */
export function drawAug(policy: Pick<AugmentPolicy, 'padCrop' | 'flip'>, rng: Rng): ImageAug {
  const p = policy.padCrop;
  const dy = p > 0 ? rng.int(2 * p + 1) - p : 0;
  const dx = p > 0 ? rng.int(2 * p + 1) - p : 0;
  return { dy, dx, flip: policy.flip && rng.next() < 0.5 };
}

/**
 * Writes image `src[srcOff…]` into `dst[dstOff…]` normalised through `lut`: output pixel (y, x) reads source
 * (y + dy, x' + dx) with x' = W−1−x when mirrored; pixels from outside the image are the padding value 0.
 */
export function writeImage(
  src: Uint8Array,
  srcOff: number,
  shape: ImageShape,
  dst: Float32Array,
  dstOff: number,
  lut: Float32Array,
  aug: ImageAug,
): void {
  const [c, h, w] = shape;
  const plane = h * w;
  // The x range whose source column is inside the image; outside it, and on rows outside, write the padding value.
  const x0 = aug.flip ? Math.max(0, aug.dx) : Math.max(0, -aug.dx);
  const x1 = aug.flip ? Math.min(w, w + aug.dx) : Math.min(w, w - aug.dx);
  for (let ch = 0; ch < c; ch++) {
    const l = ch * 256;
    const pad = lut[l]!;
    const sPlane = srcOff + ch * plane;
    const dPlane = dstOff + ch * plane;
    for (let y = 0; y < h; y++) {
      const sy = y + aug.dy;
      const d = dPlane + y * w;
      if (sy < 0 || sy >= h) {
        dst.fill(pad, d, d + w);
        continue;
      }
      const s = sPlane + sy * w;
      for (let x = 0; x < x0; x++) dst[d + x] = pad;
      if (aug.flip) {
        const sx = s + w - 1 + aug.dx;
        for (let x = x0; x < x1; x++) dst[d + x] = lut[l + src[sx - x]!]!;
      } else {
        const sx = s + aug.dx;
        for (let x = x0; x < x1; x++) dst[d + x] = lut[l + src[sx + x]!]!;
      }
      for (let x = x1; x < w; x++) dst[d + x] = pad;
    }
  }
}
