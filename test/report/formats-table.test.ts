import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse, type Analysis } from '../../src/analysis/analyse.js';
import { formatsFigureIds, formatsHtml, formatsTables } from '../../src/report/formats-table.js';
import { renderReport, reportIds, reportTables } from '../../src/report/page.js';
import { verdictTable } from '../../src/report/verdict-tables.js';
import { clopperPearson } from '../../src/stats/clopper-pearson.js';
import { handPair, tempDir } from '../analysis/fixtures.js';
import { formatsPair } from '../analysis/formats-fixture.js';

const options = { cam: { count: 0 }, bootstrap: { resamples: 100 } } as const;

async function pairAnalysis(t: { after: (f: () => void) => void }, emulated?: string): Promise<Analysis> {
  const root = tempDir('report-formats');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return analyse({ ...formatsPair(root, emulated), ...options });
}

test('formats tables: golden accuracy per format, then one table per verdict metric', async (t) => {
  const a = await pairAnalysis(t);
  const tables = formatsTables(a, '-1');
  assert.deepEqual(
    tables.map((x) => x.id),
    [
      'tbl-formats-golden-1',
      'tbl-formats-sdc-1',
      'tbl-formats-due-1',
      'tbl-formats-critical-0.1-1',
      'tbl-formats-critical-1-1',
      'tbl-formats-critical-10-1',
      'tbl-formats-delta-loss-1',
    ],
  );
  const fp32 = 'fp32 network, value-only';
  assert.deepEqual(tables[0]!.rows, [
    ['fp32', fp32, 0.75, 1, 'fp32 (plain)'],
    ['bf16', fp32, 0.75, 1, 'bf16-rd (range detector)'],
    ['fp16', fp32, 0.75, 1, 'fp16 (plain), fp16-rd (range detector), fp16-guard (score guard)'],
  ]);
  assert.equal(tables[1]!.caption.split(' per ')[0], 'SDC rate (mismatch)');
});

test('formats metric table: a row per format × campaign × scope, the verdict table’s own numbers', async (t) => {
  const a = await pairAnalysis(t);
  const sdc = formatsTables(a, '')[1]!;
  assert.deepEqual(
    sdc.rows.map((r) => r.slice(0, 4)),
    [
      ['fp32', 'fp32', 'plain', 'last layer'],
      ['fp32', 'fp32', 'plain', 'overall'],
      ['bf16', 'bf16-rd', 'range detector', 'last layer'],
      ['bf16', 'bf16-rd', 'range detector', 'overall'],
      ['fp16', 'fp16', 'plain', 'last layer'],
      ['fp16', 'fp16', 'plain', 'overall'],
      ['fp16', 'fp16-rd', 'range detector', 'last layer'],
      ['fp16', 'fp16-rd', 'range detector', 'overall'],
      ['fp16', 'fp16-guard', 'score guard', 'last layer'],
      ['fp16', 'fp16-guard', 'score guard', 'overall'],
    ],
  );
  // fp16 plain, last layer: the baseline's fc mismatched 1 of 2; the text-guided latent 1 of 2, projection 0 of 2,
  // neuron-weighted (4·½ + 3·0)/7.
  const [, , , , base, tg, ratio, side] = sdc.rows[4]!;
  assert.deepEqual(base, { value: 0.5, ...clopperPearson(1, 2, 0.99) });
  assert.equal((tg as { value: number }).value, 2 / 7);
  assert.equal((ratio as { ratio: number }).ratio, 0.5 / (2 / 7));
  assert.equal(side, 'straddles 1');
  // bf16-rd: no text-guided SDC, so the ratio has only a lower bound.
  assert.equal(sdc.rows[2]![7], 'straddles 1 (one-sided)');
  // Every row is the verdict table's row of that campaign, scope and metric.
  const verdict = verdictTable(a, '');
  for (const table of formatsTables(a, '').slice(1)) {
    const label = table.caption.split(' per number format')[0];
    for (const [, campaign, , scope, ...numbers] of table.rows) {
      const row = verdict.rows.find((r) => r[0] === campaign && r[1] === scope && r[2] === label)!;
      assert.deepEqual(numbers, row.slice(3, 7), `${label} ${campaign} ${scope}`);
    }
  }
});

test('formats tables: an emulated network’s own format is whole-network, the others value-only on it', async (t) => {
  const a = await pairAnalysis(t, 'fp16');
  assert.deepEqual(
    formatsTables(a, '')[0]!.rows.map((r) => r.slice(0, 2)),
    [
      ['fp32', 'fp16 network, value-only'],
      ['bf16', 'fp16 network, value-only'],
      ['fp16', 'whole network in fp16'],
    ],
  );
});

test('formats section html: each format’s plain-campaign heat maps (the primary drawn above), ids on the page', async (t) => {
  const a = await pairAnalysis(t);
  assert.deepEqual(formatsFigureIds(a, ''), [
    'fig-formats-bits-bf16-baseline',
    'fig-formats-bits-bf16-text-guided',
    'fig-formats-bits-fp16-baseline',
    'fig-formats-bits-fp16-text-guided',
  ]);
  const html = formatsHtml(a, '', (id) => `[${id}]`);
  assert.ok(html.startsWith('[tbl-formats-golden]\n[tbl-formats-sdc]\n'));
  assert.match(html, /ΔLoss by bit and layer \(baseline, fp16\)/);
  assert.match(html, /ΔLoss by bit and layer \(text-guided, fp16\)/);
  assert.doesNotMatch(html, /ΔLoss by bit and layer \([a-z-]+, fp32\)/);
  assert.match(html, /Bit × layer heat map \(baseline, bf16\): no plain campaign in this format\./);
  assert.match(html, /\(fp32’s are under Which bits hurt\)/);
  // On the page: every table and figure id of the section, once each.
  const ids = reportIds([a]);
  assert.ok(ids.tables.includes('tbl-formats-delta-loss'));
  assert.equal(ids.figures.filter((f) => f.startsWith('fig-formats-')).length, 4);
  const page = renderReport([a]);
  for (const id of [...ids.tables, ...ids.figures]) assert.equal(page.split(`id="${id}"`).length - 1, 1, id);
});

test('formats section: a one-format run has no formats tables and says why; an older analysis.json too', async (t) => {
  const root = tempDir('report-formats-one');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), ...options });
  assert.deepEqual(formatsTables(a, ''), []);
  assert.deepEqual(formatsFigureIds(a, ''), []);
  assert.ok(!reportTables([a]).some((x) => x.table.id.startsWith('tbl-formats')));
  assert.equal(
    formatsHtml(a, '', () => 'never'),
    '<p class="empty">One number format: the verdict table above is its formats table (tgr reproduce --formats fp32,bf16,… runs more).</p>',
  );
  const { formats: _, ...older } = a;
  assert.match(
    formatsHtml(older, '', () => 'never'),
    /predates the formats table/,
  );
});
