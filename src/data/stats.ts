/** Per-channel normalisation constants. */
import type { ChannelStats, ImageShape } from './dataset.js';
import { imageSize } from './dataset.js';

/** Mean and (population) std per channel over uint8 NCHW images, in [0, 1] units as torchvision's ToTensor gives. */
export function channelStats(pixels: Uint8Array, shape: ImageShape): ChannelStats {
  const [c, h, w] = shape;
  const plane = h * w;
  const n = pixels.length / imageSize(shape);
  // A histogram per channel makes this one pass of integer increments, exact whatever the image count.
  const hist = new Float64Array(c * 256);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * plane;
      const off = ch * 256;
      for (let p = 0; p < plane; p++) hist[off + pixels[base + p]!]!++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    let s2 = 0;
    for (let v = 0; v < 256; v++) {
      const k = hist[ch * 256 + v]!;
      s += k * v;
      s2 += k * v * v;
    }
    const count = n * plane;
    const m = s / count;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, s2 / count - m * m)) / 255);
  }
  return { mean, std };
}
