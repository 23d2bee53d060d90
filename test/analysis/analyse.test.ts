import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../src/analysis/analyse.js';
import { handPair, tempDir, writeRun } from './fixtures.js';

test('analyse: every section of a hand-written pair, with hand-checked significance numbers', async (t) => {
  const root = tempDir('analyse');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const a = await analyse({
    baseline: pair.baseline,
    textGuided: pair.textGuided,
    bootstrap: { resamples: 200, seed: 1 },
  });
  // Baseline right on images 0–2, text-guided on 0–3: one discordant pair in the text-guided model's favour.
  assert.deepEqual(a.significance.table, { bothCorrect: 3, onlyFirst: 0, onlySecond: 1, bothWrong: 0 });
  assert.equal(a.significance.mcnemar.pValue, 1);
  assert.equal(a.significance.bootstrap.difference, 0.25);
  assert.equal(a.significance.sweep.length, 41);
  assert.deepEqual(a.significance.sweep[0], { delta: 0, first: 0.75, second: 1 });
  assert.equal(a.significance.crossing, 0); // never behind
  assert.deepEqual(
    a.valueRanges.rows.map((r) => r.layer),
    ['conv1', 'fc', 'head.latent', 'head.projection'],
  );
  assert.equal(a.fit!.format, 'fp32');
  // Baseline fc: 3 neurons × 32 bits, mismatch rate 1 → 1000 FIT/Mbit · 96/2^20 · 1.
  const fc = a.fit!.baseline.layers.find((l) => l.layer === 'fc')!;
  assert.equal(fc.fit, (1000 * 96) / 2 ** 20);
  assert.deepEqual(a.settings.formats, ['fp32']);
  assert.equal(a.settings.campaigns.length, 2);
  assert.equal(a.settings.encoder, 'offline');
  assert.equal(a.cam, null);
  assert.equal(a.ablation, null);
  // Two injections per layer decide nothing: every one of the 12 metric × scope intervals straddles 1, and the
  // headline says so.
  assert.equal(a.verdict.reproduced, 'no');
  assert.match(a.verdict.sentence, /^No difference shown: .* 12 metric × scope pairs, all reported: above 1 — none\./);
  // Bit cells exist because faults.jsonl does: every record of the fixture flips bit 0.
  assert.deepEqual(
    a.comparison.formats[0]!.baseline.bits!.map((c) => [c.layer, c.bit, c.injections]),
    [
      ['conv1', 0, 2],
      ['fc', 0, 2],
    ],
  );
});

test("analyse: Table 3 rows in the paper's order, the main run standing for descriptions", async (t) => {
  const root = tempDir('ablation');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = handPair(root);
  const random = writeRun(join(root, 'random'), {
    head: 'text-guided',
    labels: [0, 1, 2, 0],
    preds: [0, 1, 0, 0],
    top2diff: [1, 2, 3, 4],
    lastLayers: ['head.latent', 'head.projection'],
    layers: [
      { name: 'conv1', neurons: 8, maxAbs: 3, meanAbs: 1, deltas: [0.3, 0.3] },
      { name: 'head.latent', neurons: 4, maxAbs: 2, meanAbs: 0.5, deltas: [1, 1] },
      { name: 'head.projection', neurons: 3, maxAbs: 5, meanAbs: 1, deltas: [1, 1] },
    ],
  });
  const a = await analyse({ ...pair, ablations: { random } });
  assert.deepEqual(
    a.ablation!.rows.map((r) => [r.init, r.label]),
    [
      ['random', 'random'],
      ['descriptions', 'descriptions (wordnet)'],
    ],
  );
  // random: last layer ΔLoss 1 against the baseline's 2.
  assert.equal(a.ablation!.rows[0]!.lastLayer!.ratio, 2);
  assert.equal(a.ablation!.rows[0]!.accuracy, 0.75);
});
