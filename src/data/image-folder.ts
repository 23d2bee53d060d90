/**
 * Image folders in the ImageNet / torchvision ImageFolder layout: root/{train,val|test}/CLASS/*.jpg|png, or
 * root/CLASS/* for a single evaluation split. Only paths are held; images decode on demand (see image-decode.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';
import type { Dataset, FileSplit } from './dataset.js';
import type { DatasetSource, OpenOptions } from './source.js';

const imageExt = /\.(jpe?g|png|webp|tiff?)$/i;

/** Lists CLASS sub-folders and their images (both sorted, as torchvision does); labels index `classNames`. */
export function scanImageFolder(
  dir: string,
  classNames?: string[],
): { classNames: string[]; files: string[]; labels: Int32Array } {
  const classes = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory()))
    .map((e) => e.name)
    .sort();
  const names = classNames ?? classes;
  const files: string[] = [];
  const labels: number[] = [];
  for (const cls of classes) {
    const label = names.indexOf(cls);
    if (label < 0) {
      throw new TgrError(
        'bad_data',
        `${join(dir, cls)}: class '${cls}' is not among the training classes; every split must use the same class folders`,
      );
    }
    for (const f of readdirSync(join(dir, cls))
      .filter((f) => imageExt.test(f))
      .sort()) {
      files.push(join(dir, cls, f));
      labels.push(label);
    }
  }
  if (files.length === 0) {
    throw new TgrError(
      'bad_data',
      `${dir}: no images found; expected CLASS/*.jpg|png under it (ImageNet layout: root/{train,val}/CLASS/*.jpg)`,
      { dir },
    );
  }
  return { classNames: names, files, labels: Int32Array.from(labels) };
}

/**
 * Opens a folder dataset; the image side is `imageSize` (default 224) and evaluation resizes the shorter side to
 * side/0.875.
 */
export function openImageFolder(name: string, opts: OpenOptions): Dataset {
  const root = opts.dataDir;
  if (root === undefined)
    throw new TgrError(
      'bad_argument',
      `${name}: image folders have no default location; pass --data-dir ROOT (ROOT/{train,val}/CLASS/*.jpg)`,
    );
  if (!existsSync(root)) throw new TgrError('bad_data', `${root}: folder not found`, { dir: root });
  const size = opts.imageSize ?? 224;
  // 224 → 256, ImageNet's standard evaluation resize.
  const resize = Math.round(size / 0.875);
  const sub = (names: string[]) => names.map((n) => join(root, n)).find((d) => existsSync(d));
  const trainDir = sub(['train']);
  const testDir = sub(['val', 'test']) ?? (trainDir ? undefined : root);
  const train = trainDir ? scanImageFolder(trainDir) : undefined;
  const test = testDir ? scanImageFolder(testDir, train?.classNames) : undefined;
  const split = (s: { files: string[]; labels: Int32Array }, source: string): FileSplit => ({
    kind: 'files',
    size: s.files.length,
    files: s.files,
    labels: s.labels,
    resize,
    source,
  });
  return {
    name,
    classNames: (train ?? test)!.classNames,
    shape: [3, size, size],
    splits: { ...(train && { train: split(train, trainDir!) }), ...(test && { test: split(test, testDir!) }) },
    // ImageNet's constants: the usual choice for natural photos, and computing them would decode the whole folder.
    stats: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    augment: { padCrop: 0, flip: true, resizedCrop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] } },
    source: root,
  };
}

/** Registry entry for a named folder dataset (the name only labels runs; the layout is the same). */
export function folderSource(name: string, summary: string): DatasetSource {
  return { summary, open: async (opts) => openImageFolder(name, opts) };
}
