import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { check } from '../core/errors.js';
import { openDataset } from '../data/registry.js';
import type { ChannelStats, ImageShape, SplitName } from '../data/dataset.js';
import { defaultResize, type FitSpec } from '../data/transform-fit.js';
import { labelMap } from '../data/label-map.js';
import { loadModel } from '../onnx/proto-io.js';
import { imageSetFromDataset, type ImageSet } from '../faults/run/images.js';
import { readRunFile, runFiles } from '../run-folder/run-file.js';
import { runFolderFiles } from '../run-folder/file-names.js';

/**
 * What a campaign command points at: the model file, the run directory its files go to, the dataset it was trained on.
 */
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
    const model = join(target, runFolderFiles.model);
    check(
      existsSync(model),
      'bad_argument',
      () => `${target}: no model.onnx in this folder; pass runs/NAME as 'tgr train' leaves it, or a .onnx file`,
    );
    const meta = join(target, runFiles.meta.file);
    const dataset = existsSync(meta) ? readRunFile('meta', meta).dataset : undefined;
    return { model, runDir: out ?? target, ...(dataset ? { dataset } : {}) };
  }
  return { model: target, runDir: out ?? dirname(target) };
}

/** How images are fitted to the model: `--normalize`, `--resize`, `--crop` and `--input-shape` as parsed. */
export interface FitOptions {
  normalize?: ChannelStats | null;
  resize?: number;
  crop?: [number, number];
  inputShape?: number[];
}

/** The model's fixed [C,H,W] where the file gives one (its single image input, dims that are numbers). */
function modelImageShape(file: string): (number | undefined)[] {
  const inputs = loadModel(file).graph.inputs;
  const dims = inputs.length === 1 ? inputs[0]!.shape.slice(1) : [];
  return [0, 1, 2].map((i) => (typeof dims[i] === 'number' ? (dims[i] as number) : undefined));
}

/**
 * The fit a campaign needs, or undefined when the dataset's images already are what the model takes and no fitting
 * option was given (no --normalize keeps the dataset's own). The model's fixed dims win; `--input-shape`, then
 * `--crop`, then the dataset fill the rest.
 */
export function planFit(model: string, data: ImageShape, stats: ChannelStats, opts: FitOptions): FitSpec | undefined {
  const fixed = modelImageShape(model);
  const want = [0, 1, 2].map(
    (i) => fixed[i] ?? opts.inputShape?.[i] ?? (i > 0 ? opts.crop?.[i - 1] : undefined) ?? data[i]!,
  );
  const shape = want as unknown as ImageShape;
  if (opts.crop) {
    check(
      opts.crop[0] === shape[1] && opts.crop[1] === shape[2],
      'bad_argument',
      () =>
        `--crop ${opts.crop!.join(',')} does not give the ${shape[1]}×${shape[2]} images ${model} takes; pass --crop ${shape[1]},${shape[2]} or leave it out`,
    );
  }
  const same = shape.every((d, i) => d === data[i]);
  if (same && opts.normalize === undefined && opts.resize === undefined) return undefined;
  return {
    shape,
    resize: opts.resize ?? defaultResize(shape),
    normalize: opts.normalize === undefined ? stats : opts.normalize,
  };
}

/** Classes the model scores: the last dim of its single output, when the file fixes it. */
function modelClasses(file: string): number | undefined {
  const outputs = loadModel(file).graph.outputs;
  const k = outputs.length === 1 ? outputs[0]!.shape.at(-1) : undefined;
  return typeof k === 'number' ? k : undefined;
}

/** ImageNet synset folder names: only such datasets (or a --class-list) need the model's class count. */
const synsetName = /^n\d{8}$/;

/**
 * The evaluation images of a campaign: a split of a registered dataset, fitted to the model's input when needed, its
 * labels mapped onto the model's classes by `--class-list` or sorted synset order (data/label-map.ts).
 */
export async function openImages(
  target: RunTarget,
  opts: { dataset?: string; split?: string; dataDir?: string; classList?: string } & FitOptions,
): Promise<ImageSet> {
  const name = opts.dataset ?? target.dataset;
  check(
    name,
    'bad_argument',
    () => `${target.model}: which images? pass --dataset NAME (no meta.json names the training dataset)`,
  );
  const split = opts.split ?? 'test';
  check(split === 'test' || split === 'train', 'bad_argument', () => `--split expects test or train; got '${split}'`);
  const ds = await openDataset(name, { dataDir: opts.dataDir });
  const mapped = opts.classList !== undefined || ds.classNames.every((c) => synsetName.test(c));
  const labels = mapped
    ? labelMap({
        dataset: name,
        classNames: ds.classNames,
        modelClasses: modelClasses(target.model),
        ...(opts.classList ? { classList: opts.classList } : {}),
      })
    : undefined;
  return imageSetFromDataset(ds, split as SplitName, planFit(target.model, ds.shape, ds.stats, opts), labels);
}
