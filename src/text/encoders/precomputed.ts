import { existsSync } from 'node:fs';
import { TgrError, check } from '../../core/errors.js';
import { readClassNamesFile } from '../class-names.js';
import { looseName } from '../descriptions/check.js';
import { readMatrixFile, reportPath } from '../formats/matrix-file.js';
import { pickRows, type Matrix } from '../matrix.js';
import type { EncoderFactory } from './types.js';

export interface PrecomputedOptions {
  /** A C×E matrix: .npy, .json, .safetensors, .pth/.pt. */
  file?: string;
  /**
   * Names of the file's rows, in order (JSON array or one per line); needed when the file's rows are not the dataset's.
   */
  classNamesFile?: string;
  /** Tensor name inside a .safetensors/.pth holding several. */
  tensor?: string;
}

/** `precomputed`: rows read from a file (e.g. the paper's released CLIP text features), aligned by class name. */
export const precomputed: EncoderFactory<PrecomputedOptions> = {
  name: 'precomputed',
  summary: 'read a C×E matrix from .npy/.json/.safetensors/.pth (--matrix FILE), rows named by --class-names FILE',
  options: {
    file: {
      flag: 'matrix',
      arg: 'file',
      value: { kind: 'file' },
      help: 'a C×E .npy, .json, .safetensors or .pth',
    },
    classNamesFile: {
      flag: 'class-names',
      arg: 'file',
      value: { kind: 'file' },
      help: "names of the matrix's rows, in order",
    },
    tensor: {
      flag: 'tensor',
      arg: 'name',
      value: { kind: 'text' },
      help: 'tensor name inside a .safetensors/.pth holding several',
    },
  },
  async create(o) {
    const file = o.file;
    check(file, 'bad_argument', () => 'encoder precomputed needs --matrix FILE (.npy, .json, .safetensors or .pth)');
    const { matrix, classes } = readMatrixFile(file, o.tensor);
    const names = o.classNamesFile ? readClassNamesFile(o.classNamesFile, false) : (classes ?? sidecarNames(file));
    check(
      !names || names.length === matrix.rows,
      'shape_mismatch',
      () =>
        `${o.classNamesFile ?? file}: ${names!.length} class names for ${matrix.rows} rows of ${file}; give one name per row`,
    );
    return {
      kind: 'classes',
      id: `precomputed:${file}`,
      dim: matrix.cols,
      async embedClasses(classNames) {
        return alignRows(matrix, names, classNames, file);
      },
    };
  },
};

/** Row names from the report `tgr embed` writes beside a matrix (`x.npy` → `x.report.json`), when present. */
function sidecarNames(file: string): string[] | undefined {
  const report = reportPath(file);
  return existsSync(report) ? readClassNamesFile(report, false) : undefined;
}

/** The rows for the dataset's classes, in the dataset's order. */
export function alignRows(
  m: Matrix,
  names: readonly string[] | undefined,
  classNames: readonly string[],
  file: string,
): Matrix {
  if (!names) {
    if (m.rows !== classNames.length) {
      throw new TgrError(
        'shape_mismatch',
        `${file} has ${m.rows} rows but there are ${classNames.length} classes; pass --class-names FILE naming the file's rows`,
      );
    }
    return m;
  }
  // A name may label several rows (ImageNet's two 'crane's): its k-th use in the dataset takes its k-th row.
  const rowsOf = (key: (n: string) => string) => {
    const m = new Map<string, number[]>();
    names.forEach((n, i) => m.set(key(n), [...(m.get(key(n)) ?? []), i]));
    return m;
  };
  const exact = rowsOf((n) => n);
  const loose = rowsOf(looseName);
  const uses = new Map<string, number>();
  const rows = classNames.map((c) => {
    const k = uses.get(c) ?? 0;
    uses.set(c, k + 1);
    const hits = exact.get(c) ?? loose.get(looseName(c)) ?? [];
    return hits[Math.min(k, hits.length - 1)] ?? -1;
  });
  const missing = classNames.filter((_, i) => rows[i] === -1);
  if (missing.length) {
    const shown =
      missing
        .slice(0, 5)
        .map((c) => `'${c}'`)
        .join(', ') + (missing.length > 5 ? `, … ${missing.length - 5} more` : '');
    throw new TgrError(
      'unknown_name',
      `${file}: no row named ${shown} among its ${names.length} class names; check --class-names or the dataset's class names`,
      { missing },
    );
  }
  return pickRows(m, rows);
}
