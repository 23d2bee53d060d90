import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { TgrError, check, lookup } from '../core/errors.js';
import { datasets } from '../data/registry.js';
import { numberFormat, numberFormats } from '../faults/formats/registry.js';
import { backbones } from '../models/registry.js';
import { descriptionSources } from '../text/descriptions/registry.js';
import { encoders } from '../text/encoders/registry.js';
import { matrixReaders } from '../text/formats/matrix-file.js';
import { getPreset, type RangeDetectorSetting, type ReproducePreset } from './presets.js';

/** What `tgr reproduce` is asked: a preset and overrides of its fields, as the flags give them. */
export interface ReproduceOptions {
  preset?: string;
  /** Overrides of the preset's fields. */
  dataset?: string;
  backbone?: string;
  dataDir?: string;
  epochs?: number;
  perLayer?: number;
  seed?: number;
  limitTrain?: number;
  limitTest?: number;
  camImages?: number;
  /** Description source name (`--source`). */
  source?: string;
  /** CuPL-format JSON descriptions (`--descriptions FILE`); implies source `cupl`. */
  descriptions?: string;
  encoder?: string;
  /** Precomputed class-embedding matrix (`--class-embeddings FILE`), its row names and the rows to take. */
  classEmbeddings?: string;
  classNames?: string;
  classRows?: string | string[];
  /** Number formats, a list or comma-separated (`--formats fp32,fp16`). */
  formats?: string | string[];
  rangeDetector?: string;
  /** `on` or `off` (or a boolean). */
  guard?: string | boolean;
  stratify?: string;
  /** Critical-fault thresholds, a list or comma-separated (`--tau 0.1,1,10`). */
  tau?: string | number[];
  /** Output folder (default runs/reproduce-PRESET). */
  out?: string;
  /** ORT threads of each stage (default: the cores shared among the stages running at once). */
  threads?: number;
  /** Models trained and injected at the same time (default: one per core). */
  jobs?: number;
  cacheDir?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** `--range-detector` settings: which of a format's campaigns run, with what each means. */
export const rangeDetectorSettings: Record<RangeDetectorSetting, string> = {
  off: 'campaigns F only',
  on: 'campaigns F-rd only',
  both: 'F and F-rd',
};
/** `--guard` settings: whether the F-guard campaigns run. */
export const guardSettings: Record<'on' | 'off', string> = {
  on: 'also F-guard: analytic guard on text-guided heads, profiled on the baseline',
  off: 'no F-guard campaigns',
};
const stratifySettings: Record<ReproducePreset['stratify'], true> = { none: true, bit: true };

/** `v` when it is a key of `table`; else the lookup error listing the keys. */
function oneOf<K extends string>(table: Record<K, unknown>, v: string, what: string): K {
  lookup(table, v, what);
  return v as K;
}

const list = (v: string | readonly string[]): string[] =>
  (typeof v === 'string' ? v.split(',') : [...v]).map((s) => s.trim()).filter((s) => s !== '');

function positiveInt(flag: string, v: number | undefined, min = 1): void {
  check(
    v === undefined || (Number.isInteger(v) && v >= min),
    'bad_argument',
    () => `${flag} expects an integer ≥ ${min}, got ${v}`,
  );
}

function existingFile(flag: string, path: string, what: string): void {
  check(existsSync(path) && statSync(path).isFile(), 'bad_file', () => `${flag} ${path}: no such file; pass ${what}`);
}

function parseTau(v: string | readonly number[]): number[] {
  const raw = typeof v === 'string' ? list(v) : v.map(String);
  const tau = raw.map(Number);
  check(
    tau.length > 0 && tau.every((t) => Number.isFinite(t) && t > 0) && tau.every((t, i) => i === 0 || t > tau[i - 1]!),
    'bad_argument',
    () => `--tau expects increasing positive numbers separated by commas (e.g. 0.1,1,10), got '${raw.join(',')}'`,
  );
  return tau;
}

function parseFormats(v: string | readonly string[]): string[] {
  const formats = list(v);
  check(
    formats.length > 0,
    'bad_argument',
    () => `--formats expects number formats separated by commas (e.g. fp32,fp16), got none`,
  );
  // A family spec (fp:e5m10, int:4, q:3.4, bfp:8:m7) is checked by its family; a name by the table.
  for (const f of formats) f.includes(':') ? numberFormat(f) : lookup(numberFormats, f, 'number format (--formats)');
  const twice = formats.find((f, i) => formats.indexOf(f) !== i);
  check(!twice, 'bad_argument', () => `--formats names ${twice} twice; list each format once`);
  return formats;
}

function parseGuard(v: string | boolean): boolean {
  return typeof v === 'boolean' ? v : oneOf(guardSettings, v, 'guard setting (--guard)') === 'on';
}

/** The text inputs: descriptions (a source, or a CuPL file) + encoder, or a precomputed matrix; one of them. */
function textInputs(o: ReproduceOptions, p: ReproducePreset): Partial<ReproducePreset> {
  if (o.descriptions !== undefined && o.classEmbeddings !== undefined) {
    throw new TgrError(
      'bad_argument',
      '--descriptions and --class-embeddings both set the projection; pass one of them',
    );
  }
  const source = o.source ?? (o.descriptions !== undefined ? 'cupl' : p.source);
  lookup(descriptionSources, source, 'description source (--source)');
  check(
    o.descriptions === undefined || source === 'cupl',
    'bad_argument',
    () =>
      `--descriptions ${o.descriptions} is a CuPL file but --source is '${source}'; drop --source or use --source cupl`,
  );
  const descriptionsFile = o.descriptions ?? (o.source === undefined ? p.descriptionsFile : undefined);
  check(
    source !== 'cupl' || descriptionsFile !== undefined,
    'bad_argument',
    () => '--source cupl needs --descriptions FILE (a CuPL-format {"class": ["sentence", …]} JSON file)',
  );
  if (descriptionsFile !== undefined)
    existingFile('--descriptions', descriptionsFile, 'a CuPL-format {"class": ["sentence", …]} JSON file');
  const encoder = o.encoder ?? p.encoder;
  lookup(encoders, encoder, 'text encoder (--encoder)');
  check(
    encoder !== 'precomputed',
    'bad_argument',
    () => '--encoder precomputed: pass the matrix as --class-embeddings FILE instead',
  );
  const classEmbeddings = o.classEmbeddings ?? p.classEmbeddings;
  if (classEmbeddings !== undefined) {
    existingFile('--class-embeddings', classEmbeddings, 'a C×E matrix (.pth, .npy, .safetensors or .json)');
    lookup(matrixReaders, extname(classEmbeddings).toLowerCase(), `file type of --class-embeddings ${classEmbeddings}`);
  }
  const classNames = o.classNames ?? p.classNames;
  const classRows = o.classRows !== undefined ? list(o.classRows) : p.classRows;
  check(
    classEmbeddings !== undefined || (classNames === undefined && classRows === undefined),
    'bad_argument',
    () =>
      `${classNames !== undefined ? '--class-names' : '--class-rows'} names rows of --class-embeddings FILE; pass that file too`,
  );
  if (classNames !== undefined)
    existingFile('--class-names', classNames, "the matrix's row names (JSON array or one per line)");
  return {
    source,
    descriptionsFile,
    encoder,
    classEmbeddings,
    classNames,
    classRows: classRows?.length ? classRows : undefined,
  };
}

/** The preset with the flags' overrides applied, every value checked; a bad one is a one-line error naming its flag. */
export function resolvePreset(o: ReproduceOptions): ReproducePreset {
  const base = getPreset(o.preset ?? 'quick');
  positiveInt('--epochs', o.epochs);
  positiveInt('--per-layer', o.perLayer);
  positiveInt('--limit-train', o.limitTrain);
  positiveInt('--limit-test', o.limitTest);
  positiveInt('--cam-images', o.camImages, 0);
  positiveInt('--seed', o.seed, 0);
  const p: ReproducePreset = {
    ...base,
    ...(o.dataset !== undefined ? { dataset: o.dataset } : {}),
    ...(o.backbone !== undefined ? { backbone: o.backbone } : {}),
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
    ...(o.perLayer !== undefined ? { perLayer: o.perLayer } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.limitTrain !== undefined ? { limitTrain: o.limitTrain } : {}),
    ...(o.limitTest !== undefined ? { limitTest: o.limitTest } : {}),
    ...(o.camImages !== undefined ? { camImages: o.camImages } : {}),
    ...(o.formats !== undefined ? { formats: parseFormats(o.formats) } : {}),
    ...(o.rangeDetector !== undefined
      ? { rangeDetector: oneOf(rangeDetectorSettings, o.rangeDetector, 'range detector setting (--range-detector)') }
      : {}),
    ...(o.guard !== undefined ? { guard: parseGuard(o.guard) } : {}),
    ...(o.stratify !== undefined
      ? { stratify: oneOf(stratifySettings, o.stratify, 'site sampling (--stratify)') }
      : {}),
    ...(o.tau !== undefined ? { tau: parseTau(o.tau) } : {}),
  };
  lookup(datasets, p.dataset, 'dataset (--dataset)');
  lookup(backbones, p.backbone, 'backbone (--backbone)');
  return { ...p, ...textInputs(o, p) };
}
