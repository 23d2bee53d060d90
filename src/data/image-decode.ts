/**
 * Decoding one image file to uint8 CHW with sharp (libvips): the evaluation transform (resize the shorter side,
 * centre crop) or the training one (random-resized crop, optional mirror), as torchvision defines them.
 */
import sharp from 'sharp';
import { TgrError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { centerCrop, randomResizedCropBox, resizeShorter } from './crop-geometry.js';

export type DecodeTransform =
  | { kind: 'eval'; size: number; resize: number }
  | { kind: 'train'; size: number; scale: [number, number]; ratio: [number, number]; flip: boolean };

// Bilinear is torchvision's default interpolation for Resize and RandomResizedCrop.
const kernel = 'linear' as const;

/** Decodes `file` to a 3×size×size uint8 CHW image; `rng` draws the training crop and flip. */
export async function decodeImage(file: string, t: DecodeTransform, rng?: Rng): Promise<Uint8Array> {
  try {
    let img = sharp(file, { failOn: 'truncated' });
    const meta = await img.metadata();
    const width = meta.width;
    const height = meta.height;
    if (!width || !height) throw new Error('image has no size');
    if (t.kind === 'eval') {
      const [rw, rh] = resizeShorter(width, height, t.resize);
      const box = centerCrop(rw, rh, t.size);
      img = img.resize(rw, rh, { fit: 'fill', kernel }).extract(box);
    } else {
      if (!rng) throw new Error('training transform needs an Rng');
      const box = randomResizedCropBox(width, height, t.scale, t.ratio, rng);
      img = img.extract(box).resize(t.size, t.size, { fit: 'fill', kernel });
      if (t.flip && rng.next() < 0.5) img = img.flop();
    }
    const { data, info } = await img.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== t.size || info.height !== t.size) {
      throw new Error(`decoded to ${info.channels}×${info.height}×${info.width}, expected 3×${t.size}×${t.size}`);
    }
    return hwcToChw(data, t.size * t.size);
  } catch (e) {
    if (e instanceof TgrError) throw e;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new TgrError('bad_file', `${file}: cannot decode image (${why}); replace or remove the file`, { file });
  }
}

/** Interleaved RGB (sharp's raw output) to planar channels. */
function hwcToChw(hwc: Uint8Array, plane: number): Uint8Array {
  const out = new Uint8Array(3 * plane);
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    out[p] = hwc[q]!;
    out[plane + p] = hwc[q + 1]!;
    out[2 * plane + p] = hwc[q + 2]!;
  }
  return out;
}
