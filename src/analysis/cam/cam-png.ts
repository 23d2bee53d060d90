import { PNG } from 'pngjs';
import type { TensorData } from '../../onnx/types.js';
import { check } from '../../core/errors.js';

/**
 * Heat-map overlays as PNG bytes. The image a model sees is normalised (mean/std per channel), so it is shown
 * min–max stretched per image: the layout matters for a CAM, not the exact colours.
 */

/** The jet colour map at t ∈ [0, 1] (blue → cyan → yellow → red), as CAM papers draw heat. */
export function jet(t: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const ch = (x: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - x))));
  return [ch(3), ch(2), ch(1)];
}

/** An image tensor [1, C, H, W] (C = 1 or 3) as RGB bytes, stretched to 0..255 over its own range. */
export function imageRgb(image: TensorData): { rgb: Uint8Array; height: number; width: number } {
  const [, C, H, W] = image.dims as [number, number, number, number];
  check(
    image.dims.length === 4 && (C === 1 || C === 3),
    'bad_argument',
    () => `an image to draw must be [1, 1|3, H, W]; got [${image.dims}]`,
  );
  const x = image.data as Float32Array;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) if (Number.isFinite(v)) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
  const span = hi > lo ? hi - lo : 1;
  const rgb = new Uint8Array(H * W * 3);
  for (let p = 0; p < H * W; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = x[(C === 1 ? 0 : ch) * H * W + p]!;
      rgb[p * 3 + ch] = Number.isFinite(v) ? Math.round((255 * (v - lo)) / span) : 0;
    }
  }
  return { rgb, height: H, width: W };
}

/**
 * Encodes RGB bytes (optionally blended with a heat map in [0, 1], `alpha` of heat) as a PNG, each pixel drawn as a
 * `scale`×`scale` block so that 28×28 or 32×32 images are big enough to read in a report. The heat map is given
 * either per image pixel or per output pixel (scaled size), the latter so a smooth map lies over a blocky image.
 */
export function overlayPng(
  rgb: Uint8Array,
  height: number,
  width: number,
  heat?: Float32Array,
  opts: { alpha?: number; scale?: number } = {},
): Uint8Array {
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const alpha = opts.alpha ?? 0.5;
  const fine = heat?.length === height * width * scale * scale && scale > 1;
  check(
    !heat || heat.length === height * width || fine,
    'bad_argument',
    () => `heat map has ${heat!.length} values; the image has ${height}×${width} = ${height * width} pixels`,
  );
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const p = Math.floor(y / scale) * width + Math.floor(x / scale);
      const h = heat ? jet(heat[fine ? y * width * scale + x : p]!) : null;
      const o = (y * width * scale + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const base = rgb[p * 3 + ch]!;
        png.data[o + ch] = h ? Math.round((1 - alpha) * base + alpha * h[ch]!) : base;
      }
      png.data[o + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}
