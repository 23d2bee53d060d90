/**
 * Mapping a dataset's classes onto a foreign model's class indices (issue 18): by a class-list file (line i names
 * model class i) or, for ImageNet-style synset folders, by the sorted wnid order that torchvision's ImageNet class
 * index follows. Without either, label k of the dataset is model class k (a tgr-trained model's own order).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { TgrError, check } from '../core/errors.js';
import { readDataFile } from './read-file.js';

/** How a golden pass's labels were mapped onto the model's classes, as golden.json records it (`dataset.labelMap`). */
export interface LabelMapRecord {
  /** `class-list`: a --class-list file; `synset-order`: synset folders in sorted wnid order (all ImageNet classes). */
  how: 'class-list' | 'synset-order';
  /** The class-list file as given and its sha256; a reused golden pass is checked by the digest, not the path. */
  file?: string;
  sha256?: string;
  /** Classes the model scores. */
  classes: number;
  /** Dataset class name → model class index, in the dataset's class order. */
  map: Record<string, number>;
}

/** A class-list file read: its lines (model class i = line i) and the sha256 of its bytes. */
export interface ClassList {
  file: string;
  sha256: string;
  lines: string[];
}

/** An ImageNet synset id as folder names and LOC_synset_mapping.txt spell it. */
const synset = /^n\d{8}$/;

/** ImageNet-1k's class count: synset folders may fall back to sorted-wnid order only against a model of this size. */
const imagenetClasses = 1000;

/**
 * Reads `--class-list FILE`: one class name or synset per line (`n01440764`, `n01440764 tench, Tinca tinca` as in
 * LOC_synset_mapping.txt, or `tench`), or a JSON array of names; trailing blank lines are dropped.
 */
export function readClassList(file: string): ClassList {
  const bytes = readDataFile(file);
  const text = new TextDecoder().decode(bytes);
  const lines = text.trimStart().startsWith('[') ? jsonNames(file, text) : textLines(file, text);
  check(lines.length > 0, 'bad_file', () => `--class-list ${file}: no class names; expected one per line`);
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), lines };
}

function textLines(file: string, text: string): string[] {
  const lines = text.split(/\r?\n/).map((s) => s.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const blank = lines.indexOf('');
  // A blank line in the middle would shift every later class by one: refuse rather than guess.
  check(
    blank < 0,
    'bad_file',
    () =>
      `--class-list ${file}: line ${blank + 1} is empty, yet every line names one model class (line 1 = class 0); remove the line or name the class`,
  );
  return lines;
}

function jsonNames(file: string, text: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new TgrError(
      'bad_file',
      `--class-list ${file}: starts with '[' but is not valid JSON (${(e as Error).message}); pass a JSON array of names or one name per line`,
    );
  }
  check(
    Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== ''),
    'bad_file',
    () => `--class-list ${file}: expected a JSON array of non-empty class names (item i = model class i)`,
  );
  return (v as string[]).map((s) => s.trim());
}

/** The names a line answers to: the whole line, and for `WNID rest` the synset and the rest. */
function lineKeys(line: string): string[] {
  const m = /^(n\d{8})\s+(.+)$/.exec(line);
  return m ? [line, m[1]!, m[2]!] : [line];
}

/** Maps each dataset class onto the class list's line that names it; a class missing or named twice is refused. */
export function mapByClassList(
  dataset: string,
  classNames: readonly string[],
  list: ClassList,
  modelClasses?: number,
): LabelMapRecord {
  const n = list.lines.length;
  check(
    modelClasses === undefined || n === modelClasses,
    'bad_argument',
    () =>
      `--class-list ${list.file}: ${n} classes, but the model scores ${modelClasses}; line i must name model class i — pass the model's own class list`,
  );
  const where = new Map<string, number[]>();
  list.lines.forEach((line, i) => {
    for (const k of new Set(lineKeys(line))) where.set(k, [...(where.get(k) ?? []), i]);
  });
  const map: Record<string, number> = {};
  for (const name of classNames) {
    const at = where.get(name);
    check(
      at,
      'bad_argument',
      () =>
        `--class-list ${list.file}: ${dataset} class '${name}' is not in it (${n} lines, line i = model class i); add it, or pass a list naming the dataset's classes`,
    );
    check(
      at.length === 1,
      'bad_argument',
      () =>
        `--class-list ${list.file}: ${dataset} class '${name}' is on lines ${at.map((i) => i + 1).join(' and ')}; name each model class once (e.g. by its synset)`,
    );
    map[name] = at[0]!;
  }
  return { how: 'class-list', file: list.file, sha256: list.sha256, classes: n, map };
}

/**
 * Synset folders against an ImageNet-1k model: all 1000 give sorted-wnid order (torchvision's class index); fewer
 * cannot be placed without the full list and are refused. Anything else is left unmapped (undefined).
 */
export function mapBySynsets(
  dataset: string,
  classNames: readonly string[],
  modelClasses: number | undefined,
): LabelMapRecord | undefined {
  if (modelClasses !== imagenetClasses || classNames.length === 0 || !classNames.every((c) => synset.test(c))) {
    return undefined;
  }
  check(
    classNames.length === imagenetClasses,
    'bad_argument',
    () =>
      `${dataset}: ${classNames.length} synset folders, but the model scores ${imagenetClasses} ImageNet classes and their indices need all ${imagenetClasses} wnids; pass --class-list FILE (the 1000 wnids in the model's order, e.g. LOC_synset_mapping.txt)`,
  );
  const rank = new Map([...classNames].sort().map((c, i) => [c, i]));
  const map: Record<string, number> = {};
  for (const c of classNames) map[c] = rank.get(c)!;
  return { how: 'synset-order', classes: imagenetClasses, map };
}

/**
 * The label mapping of a campaign's dataset: the class list when one is given, else sorted-synset order when it
 * applies, else undefined (dataset label k is model class k).
 */
export function labelMap(opts: {
  dataset: string;
  classNames: readonly string[];
  modelClasses?: number;
  classList?: string;
}): LabelMapRecord | undefined {
  return opts.classList
    ? mapByClassList(opts.dataset, opts.classNames, readClassList(opts.classList), opts.modelClasses)
    : mapBySynsets(opts.dataset, opts.classNames, opts.modelClasses);
}

/** Dataset labels (indices into `classNames`) as model class indices. */
export function remapLabels(
  labels: ArrayLike<number>,
  classNames: readonly string[],
  record: LabelMapRecord,
): Int32Array {
  const table = classNames.map((c) => record.map[c] ?? -1);
  return Int32Array.from(labels, (l) => table[l] ?? -1);
}

/** Whether two golden passes mapped labels alike (same file contents and mapping; the path may differ). */
export function sameLabelMap(a: LabelMapRecord | undefined, b: LabelMapRecord | undefined): boolean {
  const key = (r: LabelMapRecord | undefined) => (r ? JSON.stringify([r.how, r.sha256 ?? '', r.classes, r.map]) : '');
  return key(a) === key(b);
}

/** One line for reports and refusals, e.g. `3 classes by class list imagenet.txt (sha256 1a2b…): cat→5, dog→400, …`. */
export function describeLabelMap(r: LabelMapRecord | undefined): string {
  if (!r) return 'dataset label k = model class k';
  const pairs = Object.entries(r.map);
  const shown = pairs.slice(0, 4).map(([c, i]) => `${c}→${i}`);
  const tail = pairs.length > shown.length ? ', …' : '';
  const by =
    r.how === 'class-list'
      ? `class list ${basename(r.file ?? '')} (sha256 ${(r.sha256 ?? '').slice(0, 12)}…)`
      : `sorted synset order (torchvision's ImageNet index)`;
  return `${pairs.length} dataset classes onto ${r.classes} model classes by ${by}: ${shown.join(', ')}${tail}`;
}
