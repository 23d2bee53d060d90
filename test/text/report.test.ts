import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassEmbeddings } from '../../src/text/class-embeddings.js';
import { readNpy } from '../../src/text/formats/npy.js';
import { embeddingReport, formatReport, writeClassEmbeddings } from '../../src/text/report.js';
import { reportPath } from '../../src/text/formats/matrix-file.js';

const s = Math.SQRT1_2;
/** Three unit rows: cat·dog = 0.7071, cat·car = 0, dog·car = 0.7071 (cat and car are each nearest to dog). */
const e: ClassEmbeddings = {
  matrix: Float32Array.from([1, 0, 0, s, s, 0, 0, 1, 0]),
  classes: 3,
  dim: 3,
  meta: {
    classNames: ['cat', 'dog', 'car'],
    encoder: 'test-encoder',
    source: 'template',
    counts: { cat: 1, dog: 2, car: 1 },
    rawNorms: [1, 1],
    cached: false,
  },
};

test('embeddingReport: cosines to 4 decimals and each class with its most similar other class', () => {
  const r = embeddingReport(e);
  assert.deepEqual(r.cosine, [
    [1, 0.7071, 0],
    [0.7071, 1, 0.7071],
    [0, 0.7071, 1],
  ]);
  assert.deepEqual(r.nearest, [
    { class: 'cat', nearest: 'dog', cosine: 0.7071 },
    { class: 'dog', nearest: 'cat', cosine: 0.7071 },
    { class: 'car', nearest: 'dog', cosine: 0.7071 },
  ]);
  assert.deepEqual(
    { classes: r.classes, rows: r.rows, dim: r.dim, encoder: r.encoder, source: r.source, counts: r.counts },
    {
      classes: ['cat', 'dog', 'car'],
      rows: 3,
      dim: 3,
      encoder: 'test-encoder',
      source: 'template',
      counts: e.meta.counts,
    },
  );
});

test('embeddingReport: a single class has no neighbour (empty name, cosine 1)', () => {
  const one = { ...e, matrix: Float32Array.from([1, 0]), classes: 1, dim: 2, meta: { ...e.meta, classNames: ['cat'] } };
  assert.deepEqual(embeddingReport(one).nearest, [{ class: 'cat', nearest: '', cosine: 1 }]);
});

test('reportPath: the extension replaced by .report.json, dots in folders kept', () => {
  assert.equal(reportPath('out/x.npy'), 'out/x.report.json');
  assert.equal(reportPath('a.b/emb'), 'a.b/emb.report.json');
});

test('writeClassEmbeddings: the matrix round-trips through the .npy and the report lands beside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-text-report-'));
  const out = join(dir, 'emb.npy');
  const r = writeClassEmbeddings(out, e);
  const m = readNpy(out);
  assert.deepEqual({ rows: m.rows, cols: m.cols, data: [...m.data] }, { rows: 3, cols: 3, data: [...e.matrix] });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'emb.report.json'), 'utf8')), JSON.parse(JSON.stringify(r)));
});

test('formatReport: header, counts and nearest per class, then the cosine matrix (≤ 12 classes)', () => {
  assert.equal(
    formatReport(embeddingReport(e)),
    [
      '3×3 class embeddings (test-encoder, descriptions: template)',
      'class  descr  nearest (cosine)',
      'cat        1  dog (0.707)',
      'dog        2  cat (0.707)',
      'car        1  dog (0.707)',
      '',
      'cosine',
      'cat     1.00  0.71  0.00',
      'dog     0.71  1.00  0.71',
      'car     0.00  0.71  1.00',
      '',
    ].join('\n'),
  );
});

test('formatReport: long names are cut with …, missing counts read -, no matrix past 12 classes', () => {
  const names = Array.from({ length: 13 }, (_, i) => `class-with-a-very-long-name-${i}`);
  const text = formatReport({
    classes: names,
    rows: 13,
    dim: 2,
    encoder: 'random:seed=0:dim=2',
    cosine: names.map(() => names.map(() => 0)),
    nearest: names.map((n) => ({ class: n, nearest: names[0]!, cosine: 0 })),
  });
  const lines = text.split('\n');
  assert.equal(lines[0], '13×2 class embeddings (random:seed=0:dim=2)');
  assert.equal(lines[2], 'class-with-a-very-long-…      -  class-with-a-very-long-name-0 (0.000)');
  assert.equal(lines.length, 2 + 13 + 1);
});
