import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TgrError, check } from '../core/errors.js';
import { openDataset } from '../data/registry.js';
import type { SplitName } from '../data/dataset.js';
import { imageSetFromDataset, type ImageSet } from '../faults/run/images.js';

/** What a campaign command points at: the model file, the run directory its files go to, the dataset it was trained on. */
export interface RunTarget {
  model: string;
  runDir: string;
  /** From runs/NAME/meta.json, when there is one. */
  dataset?: string;
}

/**
 * `runs/NAME` (with model.onnx and meta.json, as `tgr train` leaves it) or any .onnx file; for a bare file, its folder
 * (or `out`) is the run directory.
 */
export function resolveRunTarget(target: string, out?: string): RunTarget {
  check(existsSync(target), 'bad_argument', () => `${target}: no such file or folder; pass runs/NAME or a .onnx model`);
  if (statSync(target).isDirectory()) {
    const model = join(target, 'model.onnx');
    check(
      existsSync(model),
      'bad_argument',
      () => `${target}: no model.onnx in this folder; pass runs/NAME as 'tgr train' leaves it, or a .onnx file`,
    );
    const meta = join(target, 'meta.json');
    let dataset: string | undefined;
    if (existsSync(meta)) {
      try {
        dataset = (JSON.parse(readFileSync(meta, 'utf8')) as { dataset?: string }).dataset;
      } catch (e) {
        throw new TgrError(
          'bad_file',
          `${meta}: not valid JSON (${(e as Error).message}) — re-run 'tgr train' or pass --dataset`,
        );
      }
    }
    return { model, runDir: out ?? target, ...(dataset ? { dataset } : {}) };
  }
  return { model: target, runDir: out ?? dirname(target) };
}

/** The evaluation images of a campaign: a split of a registered dataset. */
export async function openImages(
  target: RunTarget,
  opts: { dataset?: string; split?: string; dataDir?: string },
): Promise<ImageSet> {
  const name = opts.dataset ?? target.dataset;
  check(
    name,
    'bad_argument',
    () => `${target.model}: which images? pass --dataset NAME (no meta.json names the training dataset)`,
  );
  const split = opts.split ?? 'test';
  check(split === 'test' || split === 'train', 'bad_argument', () => `--split expects test or train; got '${split}'`);
  return imageSetFromDataset(await openDataset(name, { dataDir: opts.dataDir }), split as SplitName);
}
