import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { campaignReliability } from '../../src/analysis/reliability.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { TgrError } from '../../src/core/errors.js';
import { handPair, tempDir, writeRun } from './fixtures.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test("a campaign's settings, layers in graph order, last layer and overall (hand-computed)", (t) => {
  const root = tempDir('reliability');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const base = readRun(pair.baseline);
  const b = campaignReliability(base, base.campaigns[0]!);
  assert.deepEqual(
    [b.campaign, b.format, b.errorModel, b.target, b.rangeDetector, b.seed, b.perLayer, b.stratify, b.tau],
    ['fp32', 'fp32', 'bit-flip', 'neurons', false, 7, 2, 'none', [0.1, 1, 10]],
  );
  // summary.json holds tallies at the default τ, so they are the metrics; faults.jsonl still gives the bit cells.
  assert.equal(b.source, 'summary.json');
  assert.ok(b.bits && b.bits.length > 0);
  assert.deepEqual(
    b.layers.map((l) => [l.layer, l.injections, l.mismatches]),
    [
      ['conv1', 2, 1],
      ['fc', 2, 2],
    ],
  );
  close(b.layers[0]!.deltaLoss, 0.3, 'conv1 ΔLoss');
  assert.equal(b.lastLayer.layer, 'fc');
  close(b.lastLayer.deltaLoss, 2, 'fc ΔLoss');
  assert.equal(b.overall.slots, 2);
  close(b.overall.deltaLoss, 1.15, 'overall ΔLoss');
  // Text-guided: latent (4 neurons) and projection (3) weigh 4:3 in the last layer.
  const tg = readRun(pair.textGuided);
  const g = campaignReliability(tg, tg.campaigns[0]!);
  assert.equal(g.lastLayer.layer, 'head.latent+head.projection');
  close(g.lastLayer.deltaLoss, (4 * 0.4 + 3 * 1) / 7, 'text-guided last ΔLoss');
  close(g.lastLayer.mismatchRate, (4 * 0.5) / 7, 'text-guided last mismatch');
  assert.equal(g.overall.slots, 2);
});

test('another τ recounts every record: τ = 2 gives one critical rate per layer', (t) => {
  const root = tempDir('reliability-tau');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = readRun(handPair(root).baseline);
  const b = campaignReliability(base, base.campaigns[0]!, { tau: [2] });
  assert.equal(b.source, 'faults.jsonl');
  assert.deepEqual(b.tau, [2]);
  // conv1 {0.2, 0.4}: none above 2; fc {1, 3}: one of two.
  assert.deepEqual(
    b.layers.map((l) => [l.layer, l.critical.length, l.critical[0]!.value]),
    [
      ['conv1', 1, 0],
      ['fc', 1, 0.5],
    ],
  );
});

test('a campaign that ran elsewhere is measured against its own golden run (ranIn)', (t) => {
  const root = tempDir('reliability-ranin');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = readRun(handPair(root).baseline);
  const c = base.campaigns[0]!;
  const golden = { ...base.golden, lastLayers: ['conv1'] };
  const r = campaignReliability(base, { ...c, ranIn: { dir: join(root, 'elsewhere'), golden } });
  assert.equal(r.lastLayer.layer, 'conv1');
  close(r.lastLayer.deltaLoss, 0.3, 'conv1 as last layer');
});

test('refusals name the campaign folder and what to run', (t) => {
  const root = tempDir('reliability-refused');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = readRun(handPair(root).baseline);
  const c = base.campaigns[0]!;
  const where = `${base.dir}/campaign/fp32`;
  const refused = (f: () => unknown, message: string) =>
    assert.throws(f, (e) => e instanceof TgrError && e.code === 'bad_file' && e.message === message);
  refused(
    () => campaignReliability(base, { name: 'fp32', settings: c.settings }),
    `${where}: neither faults.jsonl nor summary.json; re-run 'tgr inject'`,
  );
  refused(
    () => campaignReliability(base, { name: 'fp32', settings: c.settings, summary: { ...c.summary!, layers: [] } }),
    `${where}: no injections recorded; run 'tgr inject' on this run first`,
  );
  const noLast = readRun(
    writeRun(join(root, 'nolast'), {
      head: 'linear',
      labels: [0],
      preds: [0],
      top2diff: [5],
      lastLayers: ['fc'],
      layers: [{ name: 'conv1', neurons: 2, maxAbs: 1, meanAbs: 1, deltas: [1] }],
    }),
  );
  refused(
    () => campaignReliability(noLast, noLast.campaigns[0]!),
    `${noLast.dir}/campaign/fp32: no injections in last layer(s) fc; the comparison needs them — re-run the campaign over all layers`,
  );
});
