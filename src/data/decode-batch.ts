/** Decoding a batch of image files into normalised NCHW float32; runs inside the decode worker (and in tests). */
import { Rng } from '../core/rng.js';
import type { DecodeJob } from './decode-job.js';
import { imageSize } from './dataset.js';
import { decodeImage } from './image-decode.js';
import { noAug, writeImage } from './transform.js';

/** Decodes every file of a job concurrently (libvips spreads them over its threads) and assembles the batch. */
export async function decodeBatch(job: Omit<DecodeJob, 'id'>): Promise<Float32Array> {
  const per = imageSize(job.shape);
  const x = new Float32Array(job.files.length * per);
  const images = await Promise.all(job.files.map((f, k) => decodeImage(f, job.transform, new Rng(`${job.seed}/${k}`))));
  images.forEach((img, k) => writeImage(img, 0, job.shape, x, k * per, job.lut, noAug));
  return x;
}
