import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError, invariant } from '../core/errors.js';
import { cacheRoot } from '../data/locate.js';
import { checkDescriptions } from './descriptions/check.js';
import { describe, type SourceOptions } from './descriptions/registry.js';
import type { Descriptions } from './descriptions/types.js';
import { createEncoder, type EncoderOptions } from './encoders/registry.js';
import type { Encoder, SentenceEncoder } from './encoders/types.js';
import { readNpy, writeNpy } from './formats/npy.js';
import { normalizeRows, rowNorms, type Matrix } from './matrix.js';

/** The C×E matrix that initialises the text-guided head's projection P, rows unit-norm, in class order. */
export interface ClassEmbeddings {
  /** Row-major C×E, each row unit-norm. */
  matrix: Float32Array;
  classes: number;
  dim: number;
  meta: ClassEmbeddingsMeta;
}

/** What made the matrix: goes into a run's meta.json. */
export interface ClassEmbeddingsMeta {
  classNames: string[];
  /** Encoder id (names its weights), or `file:<path>` for --class-embeddings. */
  encoder: string;
  /** Description source, when descriptions were used. */
  source?: string;
  /** sha256 of the descriptions in class order, when descriptions were used. */
  descriptionsHash?: string;
  /** Descriptions per class, when descriptions were used. */
  counts?: Record<string, number>;
  /** Smallest and largest row norm before normalisation (1, 1 for sentence encoders). */
  rawNorms: [number, number];
  /** Whether the matrix came from the on-disk cache. */
  cached: boolean;
}

export interface ClassEmbeddingsRequest {
  classNames: readonly string[];
  /** Description source (llm, cupl, wordnet, template), or a label for `descriptions`; unused by class encoders. */
  source?: string;
  sourceOptions?: SourceOptions;
  /** Descriptions already at hand (e.g. a descriptions.json); used instead of `source`. */
  descriptions?: Descriptions;
  encoder: string;
  encoderOptions?: EncoderOptions;
  /** Root of the on-disk caches; default $TGR_CACHE or ~/.cache/tgr. */
  cacheDir?: string;
  /** The head's latent dimension E, checked when given. */
  dim?: number;
  quiet?: boolean;
  /** Where warnings go (e.g. class names GloVe does not know); defaults to stderr. */
  warn?: (line: string) => void;
}

/** tgr's cache root: $TGR_CACHE, else ~/.cache/tgr (one definition, data/locate.ts). */
export function defaultCacheDir(): string {
  return cacheRoot();
}

/** Builds the class-embedding matrix: descriptions → sentence embeddings → per-class mean → unit rows (cached). */
export async function classEmbeddings(req: ClassEmbeddingsRequest): Promise<ClassEmbeddings> {
  const cacheDir = req.cacheDir ?? defaultCacheDir();
  const classNames = [...req.classNames];
  const encoder = await createEncoder(req.encoder, req.encoderOptions ?? {}, {
    cacheDir,
    quiet: req.quiet,
    warn: req.warn,
  });
  if (encoder.kind === 'classes')
    return finish(await encoder.embedClasses(classNames), classNames, encoder, req.dim, { cached: false });
  // With descriptions at hand, `source` only labels them (e.g. the descriptions.json path).
  const sourceName = req.descriptions ? (req.source ?? 'given') : (req.source ?? 'template');
  const raw =
    req.descriptions ??
    (await describe(sourceName, classNames, req.sourceOptions ?? {}, { cacheDir, quiet: req.quiet }));
  const { descriptions } = checkDescriptions(raw, classNames, `descriptions (${sourceName})`);
  // Before the cache: a cached matrix was made from the same words, and deserves the same refusal or warning.
  await encoder.checkVocabulary?.(classNames, descriptions);
  const ordered = classNames.map((c) => [c, descriptions[c]!] as const);
  const descriptionsHash = sha256(JSON.stringify(ordered));
  const cachePath = join(cacheDir, 'embeddings', `${sha256(JSON.stringify([encoder.id, ordered])).slice(0, 32)}.npy`);
  const cached = existsSync(cachePath);
  const m = cached ? readNpy(cachePath) : await meanOfSentences(encoder, classNames, descriptions);
  if (!cached) writeNpy(cachePath, m);
  const counts = Object.fromEntries(ordered.map(([c, s]) => [c, s.length]));
  return finish(m, classNames, encoder, req.dim, { cached, source: sourceName, descriptionsHash, counts });
}

/** Per class: the mean of its sentences' unit embeddings (sentences no word of which is known are skipped). */
async function meanOfSentences(encoder: SentenceEncoder, classNames: string[], d: Descriptions): Promise<Matrix> {
  const unique = [...new Set(classNames.flatMap((c) => d[c]!))];
  const rowOf = new Map(unique.map((s, i) => [s, i]));
  const e = await encoder.encode(unique);
  normalizeRows(e);
  const norms = rowNorms(e);
  const out = { data: new Float32Array(classNames.length * e.cols), rows: classNames.length, cols: e.cols };
  classNames.forEach((c, r) => {
    const rows = d[c]!.map((s) => rowOf.get(s)!).filter((i) => norms[i]! > 0);
    if (rows.length === 0) {
      throw new TgrError(
        'bad_data',
        `class '${c}': none of its ${d[c]!.length} descriptions could be embedded by ${encoder.id.split(':')[0]} (no known words); give descriptions in English or use another --encoder`,
        { class: c },
      );
    }
    for (const i of rows)
      for (let j = 0; j < e.cols; j++) out.data[r * e.cols + j]! += e.data[i * e.cols + j]! / rows.length;
  });
  return out;
}

function finish(
  m: Matrix,
  classNames: string[],
  encoder: Encoder | { id: string },
  dim: number | undefined,
  extra: Partial<ClassEmbeddingsMeta> & { cached: boolean },
): ClassEmbeddings {
  const norms = normalizeRows(m);
  const zero = norms.findIndex((n) => n === 0);
  if (zero >= 0)
    throw new TgrError(
      'bad_data',
      `${encoder.id}: the embedding of class '${classNames[zero]}' is all zeros; it cannot initialise a head row`,
    );
  const result: ClassEmbeddings = {
    matrix: m.data,
    classes: m.rows,
    dim: m.cols,
    meta: { classNames, encoder: encoder.id, rawNorms: [Math.min(...norms), Math.max(...norms)], ...extra },
  };
  if (dim !== undefined) checkEmbeddingDim(result, dim, encoder.id);
  return result;
}

/** Throws a one-line error when the embeddings' E differs from the text-guided head's latent dimension. */
export function checkEmbeddingDim(e: ClassEmbeddings, headDim: number, what: string): void {
  if (e.dim !== headDim) {
    throw new TgrError(
      'shape_mismatch',
      `${what}: class embeddings have E=${e.dim} but the text-guided head's latent dimension is ${headDim}; pass --embed-dim ${e.dim} or use an encoder with E=${headDim}`,
      { expected: headDim, actual: e.dim },
    );
  }
}

/** Loads `--class-embeddings FILE` (.npy/.json/.safetensors/.pth) for the dataset's classes, rows unit-norm. */
export async function loadClassEmbeddings(
  path: string,
  classNames: readonly string[],
  opts: { classNamesFile?: string; tensor?: string; dim?: number } = {},
): Promise<ClassEmbeddings> {
  const encoder = await createEncoder(
    'precomputed',
    { file: path, classNamesFile: opts.classNamesFile, tensor: opts.tensor },
    { cacheDir: defaultCacheDir() },
  );
  invariant(encoder.kind === 'classes', 'precomputed encoder embeds classes');
  const e = finish(await encoder.embedClasses(classNames), [...classNames], { id: `file:${path}` }, undefined, {
    cached: false,
  });
  if (opts.dim !== undefined) checkEmbeddingDim(e, opts.dim, path);
  return e;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
