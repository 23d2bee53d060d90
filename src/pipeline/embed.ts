/**
 * The class-embedding stage of `tgr reproduce`: the C×E matrix that initialises a text-guided projection, from
 * descriptions (a source or a CuPL file) + a text encoder, or taken from a precomputed matrix (the paper's released
 * CLIP features). Either way it lands as `class-embeddings*.npy` + its report in the run folder, so training reads one
 * kind of input and meta.json gets a provenance without local paths.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TgrError, check } from '../core/errors.js';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { classEmbeddings, loadClassEmbeddings, type ClassEmbeddings } from '../text/class-embeddings.js';
import { readClassNamesFile } from '../text/class-names.js';
import { describe, type SourceOptions } from '../text/descriptions/registry.js';
import { alignRows } from '../text/encoders/precomputed.js';
import { readMatrixFile, reportPath } from '../text/formats/matrix-file.js';
import { normalizeRows, pickRows, type Matrix } from '../text/matrix.js';
import { writeClassEmbeddings } from '../text/report.js';
import type { InitKind } from '../analysis/ablation.js';
import type { ReproducePreset } from './presets.js';
import { fileDigest, runStage } from './stage.js';

/** Projection initialisations that need a matrix (Table 3's `random` needs none). */
export type EmbeddedInit = Exclude<InitKind, 'random'>;

export interface EmbedStageRequest {
  init: EmbeddedInit;
  preset: ReproducePreset;
  classNames: string[];
  out: string;
  stamps: string;
  cacheDir: string;
  quiet?: boolean;
  log: (line: string) => void;
}

/** Runs (or skips) the stage for one initialisation; returns the matrix file and the stage hash downstream uses. */
export async function embedStage(r: EmbedStageRequest): Promise<{ file: string; hash: string }> {
  const p = r.preset;
  const suffix = r.init === 'descriptions' ? '' : `-${r.init}`;
  const file = join(r.out, `class-embeddings${suffix}.npy`);
  const fromFile = r.init === 'descriptions' && p.classEmbeddings !== undefined;
  // File contents, not names, decide whether the matrix is current: an edited file reruns the stage.
  const inputs = fromFile
    ? {
        classEmbeddings: fileDigest(p.classEmbeddings!),
        classNamesFile: p.classNames !== undefined ? fileDigest(p.classNames) : null,
        classRows: p.classRows ?? null,
        classNames: r.classNames,
      }
    : {
        source: r.init === 'descriptions' ? p.source : 'template',
        descriptions: r.init === 'descriptions' && p.descriptionsFile ? fileDigest(p.descriptionsFile) : null,
        encoder: p.encoder,
        classNames: r.classNames,
      };
  const descFile = join(r.out, `descriptions${suffix}.json`);
  const st = await runStage(
    r.stamps,
    {
      name: `embed-${r.init}`,
      inputs,
      outputs: fromFile ? [file] : [descFile, file],
      run: async () => {
        const e = fromFile ? await fromMatrixFile(p, r.classNames) : await fromDescriptions(r, descFile);
        writeClassEmbeddings(file, e);
      },
    },
    r.log,
  );
  return { file, hash: st.hash };
}

async function fromDescriptions(r: EmbedStageRequest, descFile: string): Promise<ClassEmbeddings> {
  const p = r.preset;
  const cupl = r.init === 'descriptions' && p.descriptionsFile !== undefined;
  const source = r.init === 'descriptions' ? p.source : 'template';
  const options: SourceOptions = cupl ? { file: p.descriptionsFile } : {};
  const ctx = { cacheDir: r.cacheDir, quiet: r.quiet, warn: r.log };
  const descriptions = await describe(source, r.classNames, options, ctx);
  writeJsonAtomic(descFile, descriptions);
  return classEmbeddings({
    classNames: r.classNames,
    // The label meta.json and the report carry: the file's name, never its local path.
    source: cupl ? `cupl:${basename(p.descriptionsFile!)}` : source,
    descriptions,
    encoder: p.encoder,
    cacheDir: r.cacheDir,
    quiet: r.quiet,
  });
}

/** The matrix file's rows for the dataset's classes: matched by class name, or as `--class-rows` lists them. */
async function fromMatrixFile(p: ReproducePreset, classNames: string[]): Promise<ClassEmbeddings> {
  const file = p.classEmbeddings!;
  const label = `precomputed:${basename(file)}`;
  if (!p.classRows) {
    const e = await loadClassEmbeddings(file, classNames, { classNamesFile: p.classNames });
    return { ...e, meta: { ...e.meta, encoder: label } };
  }
  const { matrix, classes } = readMatrixFile(file);
  const names = p.classNames
    ? readClassNamesFile(p.classNames, false)
    : (classes ?? (existsSync(reportPath(file)) ? readClassNamesFile(reportPath(file), false) : undefined));
  const m = pickClassRows(matrix, names, p.classRows, classNames, file);
  const norms = normalizeRows(m);
  const zero = norms.findIndex((n) => n === 0);
  check(
    zero < 0,
    'bad_data',
    () => `--class-rows ${p.classRows![zero]}: that row of ${file} is all zeros; it cannot initialise a head row`,
  );
  return {
    matrix: m.data,
    classes: m.rows,
    dim: m.cols,
    meta: { classNames, encoder: label, rawNorms: [Math.min(...norms), Math.max(...norms)], cached: false },
  };
}

/** One row per dataset class, in class order: an entry of digits is a row index, anything else a row name. */
export function pickClassRows(
  m: Matrix,
  names: readonly string[] | undefined,
  rows: readonly string[],
  classNames: readonly string[],
  file: string,
): Matrix {
  check(
    rows.length === classNames.length,
    'bad_argument',
    () =>
      `--class-rows lists ${rows.length} rows for ${classNames.length} classes (${classNames.join(', ')}); give one row index or name per class, in this order`,
  );
  const parts = rows.map((row) => {
    if (/^\d+$/.test(row)) {
      const i = Number(row);
      check(
        i < m.rows,
        'bad_argument',
        () => `--class-rows ${row}: ${file} has rows 0–${m.rows - 1}; give a row index in that range or a row name`,
      );
      return pickRows(m, [i]);
    }
    if (!names) {
      throw new TgrError(
        'bad_argument',
        `--class-rows '${row}' is a row name but ${file} carries no row names; pass --class-names FILE or row indices`,
      );
    }
    return alignRows(m, names, [row], file);
  });
  const out = new Float32Array(parts.length * m.cols);
  parts.forEach((part, i) => out.set(part.data, i * m.cols));
  return { data: out, rows: parts.length, cols: m.cols };
}
