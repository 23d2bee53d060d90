import { writeJsonAtomic } from '../core/atomic-write.js';
import type { ClassEmbeddings } from './class-embeddings.js';
import { writeNpy } from './formats/npy.js';
import { cosineMatrix } from './matrix.js';
import { reportPath } from './formats/matrix-file.js';

/** What `tgr embed` writes beside the matrix: provenance, descriptions per class, class-to-class cosines. */
export interface EmbeddingReport {
  /** Row names in order; loadClassEmbeddings aligns rows by them. */
  classes: string[];
  rows: number;
  dim: number;
  encoder: string;
  source?: string;
  descriptionsHash?: string;
  counts?: Record<string, number>;
  /** C×C cosine similarities, 4 decimals. */
  cosine: number[][];
  /** Each class's most similar other class. */
  nearest: { class: string; nearest: string; cosine: number }[];
}

/** Builds the report for a class-embedding matrix. */
export function embeddingReport(e: ClassEmbeddings): EmbeddingReport {
  const c = cosineMatrix({ data: e.matrix, rows: e.classes, cols: e.dim });
  const cosine = Array.from({ length: e.classes }, (_, i) =>
    Array.from(c.data.subarray(i * e.classes, (i + 1) * e.classes), (v) => Math.round(v * 1e4) / 1e4),
  );
  const names = e.meta.classNames;
  const nearest = names.map((name, i) => {
    let best = -1;
    cosine[i]!.forEach((v, j) => {
      if (j !== i && (best < 0 || v > cosine[i]![best]!)) best = j;
    });
    return { class: name, nearest: best < 0 ? '' : names[best]!, cosine: best < 0 ? 1 : cosine[i]![best]! };
  });
  const { source, descriptionsHash, counts } = e.meta;
  return {
    classes: names,
    rows: e.classes,
    dim: e.dim,
    encoder: e.meta.encoder,
    source,
    descriptionsHash,
    counts,
    cosine,
    nearest,
  };
}

/** Writes `out.npy` (C×E float32) and `out.report.json`; returns the report. */
export function writeClassEmbeddings(outNpy: string, e: ClassEmbeddings): EmbeddingReport {
  const report = embeddingReport(e);
  writeNpy(outNpy, { data: e.matrix, rows: e.classes, cols: e.dim });
  writeJsonAtomic(reportPath(outNpy), report);
  return report;
}

/** The report as text for a terminal: counts and nearest class per class, the cosine matrix when it is small. */
export function formatReport(r: EmbeddingReport): string {
  const w = Math.min(24, Math.max(5, ...r.classes.map((c) => c.length)));
  const cell = (s: string) => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const lines = [
    `${r.rows}×${r.dim} class embeddings (${r.encoder}${r.source ? `, descriptions: ${r.source}` : ''})`,
    `${cell('class')}  descr  nearest (cosine)`,
  ];
  for (const n of r.nearest)
    lines.push(
      `${cell(n.class)}  ${String(r.counts?.[n.class] ?? '-').padStart(5)}  ${n.nearest} (${n.cosine.toFixed(3)})`,
    );
  if (r.rows <= 12) {
    lines.push('', 'cosine');
    r.cosine.forEach((row, i) =>
      lines.push(`${cell(r.classes[i]!)}  ${row.map((v) => v.toFixed(2).padStart(5)).join(' ')}`),
    );
  }
  return lines.join('\n') + '\n';
}
