/**
 * Every dataset tgr can open, by name. Adding a dataset: one file (or one entry built from a format) and one line here.
 */
import { lookup } from '../core/errors.js';
import { cifar10, cifar100 } from './cifar.js';
import type { Dataset } from './dataset.js';
import { fashionMnist, mnist } from './idx.js';
import { folderSource } from './image-folder.js';
import type { DatasetSource, OpenOptions } from './source.js';
import { stl10 } from './stl10.js';
import { synthetic } from './synthetic.js';

export const datasets = {
  'fashion-mnist': fashionMnist,
  mnist,
  cifar10,
  cifar100,
  stl10,
  imagenet: folderSource(
    'imagenet',
    'ImageNet (ILSVRC-2012) as image folders: --data-dir ROOT with ROOT/{train,val}/WNID/*.JPEG',
  ),
  food101: folderSource('food101', 'Food-101 as image folders: --data-dir ROOT with ROOT/{train,test}/CLASS/*.jpg'),
  folder: folderSource(
    'folder',
    'any image folder: --data-dir ROOT with ROOT/{train,val}/CLASS/*.jpg|png, or ROOT/CLASS/* for evaluation only',
  ),
  synthetic,
} satisfies Record<string, DatasetSource>;

export type DatasetName = keyof typeof datasets;

/** Looks up a dataset by name; a miss lists the names that exist. */
export function datasetSource(name: string): DatasetSource {
  return lookup<DatasetSource>(datasets, name, 'dataset');
}

/** Opens a dataset by name (the entry point the trainer, the fault runner and the CLI use). */
export async function openDataset(name: string, opts: OpenOptions = {}): Promise<Dataset> {
  return datasetSource(name).open(opts);
}
