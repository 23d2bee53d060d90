/** Writers for tiny files in each dataset format, so tests read back exactly what they wrote. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import sharp from 'sharp';

/** A temp dir removed after the test file. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tgr-${label}-`));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic bytes 0..255 for image i (different per image and position). */
export function pattern(n: number, i: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, p) => (i * 37 + p * 11 + ((p * p) % 7)) & 255);
}

/** Encodes an idx file of uint8 data. */
export function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 8, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Writes an MNIST-style folder; returns the pixels and labels written per split. */
export function writeIdxDataset(
  dir: string,
  opts: { gzip: boolean; n: Record<'train' | 't10k', number>; side?: number },
) {
  const side = opts.side ?? 4;
  const written: Record<string, { pixels: Uint8Array; labels: Uint8Array }> = {};
  mkdirSync(dir, { recursive: true });
  for (const prefix of ['train', 't10k'] as const) {
    const n = opts.n[prefix];
    const pixels = new Uint8Array(n * side * side);
    for (let i = 0; i < n; i++) pixels.set(pattern(side * side, i + (prefix === 'train' ? 0 : 100)), i * side * side);
    const labels = Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);
    const enc = (b: Uint8Array) => (opts.gzip ? gzipSync(b) : b);
    const ext = opts.gzip ? '.gz' : '';
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), enc(idxBytes([n, side, side], pixels)));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), enc(idxBytes([n], labels)));
    written[prefix] = { pixels, labels };
  }
  return written as Record<'train' | 't10k', { pixels: Uint8Array; labels: Uint8Array }>;
}

/** CIFAR binary records: label byte(s) then 3072 pixel bytes. */
export function cifarRecords(labels: number[][], seed: number): { bytes: Uint8Array; pixels: Uint8Array } {
  const lb = labels[0]!.length;
  const bytes = new Uint8Array(labels.length * (lb + 3072));
  const pixels = new Uint8Array(labels.length * 3072);
  labels.forEach((l, i) => {
    const px = pattern(3072, seed + i);
    bytes.set(l, i * (lb + 3072));
    bytes.set(px, i * (lb + 3072) + lb);
    pixels.set(px, i * 3072);
  });
  return { bytes, pixels };
}

/** Writes an RGB image of `w`×`h` from a CHW pattern as PNG (lossless) or JPEG; returns the CHW pixels. */
export async function writeImage(
  path: string,
  w: number,
  h: number,
  seed: number,
  format: 'png' | 'jpeg',
): Promise<Uint8Array> {
  const chw = pattern(3 * w * h, seed);
  const hwc = new Uint8Array(3 * w * h);
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) hwc[p * 3 + c] = chw[c * w * h + p]!;
  const img = sharp(hwc, { raw: { width: w, height: h, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 90 })).toFile(path);
  return chw;
}
