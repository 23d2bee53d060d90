import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stratumWeights, summarize, tallyOptions } from '../../../src/faults/metrics/summarize.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import { readRunFile } from '../../../src/run-folder/run-file.js';
import { planFolder, smallPlan, unitLines } from '../records-fixture.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** A finished campaign folder of `plan`: plan.json and every record (SDC at ids 0, 3, 6, 9; ΔLoss id/8). */
function finished(label: string, plan: CampaignPlan): string {
  const dir = planFolder(label, plan);
  writeFileSync(join(dir, 'faults.jsonl'), unitLines(plan, 0, plan.sites.layer.length));
  return dir;
}

test('stratumWeights reads a bit-stratified plan’s weights; every other plan (older ones too) is uniform', () => {
  const weights = [0.5, 0.25, 0.25];
  const bit = { stratify: 'bit', strata: { weights } } as unknown as CampaignPlan;
  assert.equal(stratumWeights(bit), weights);
  assert.equal(stratumWeights({ stratify: 'bit' } as unknown as CampaignPlan), null);
  assert.equal(stratumWeights({ stratify: 'none', strata: { weights } } as unknown as CampaignPlan), null);
  assert.equal(stratumWeights({} as CampaignPlan), null);
  assert.deepEqual(tallyOptions(bit, [2]), { tau: [2], weights });
  assert.deepEqual(tallyOptions({} as CampaignPlan), { tau: [0.1, 1, 10], weights: null });
});

test('a finished campaign: per layer, last layer and overall by hand; summary.json is what it returns', () => {
  const dir = finished('sum', smallPlan());
  const s = summarize(dir);
  assert.deepEqual(
    {
      model: s.model,
      format: s.format,
      errorModel: s.errorModel,
      target: s.target,
      rangeDetector: s.rangeDetector,
      seed: s.seed,
      perLayer: s.perLayer,
      stratify: s.stratify,
      tau: s.tau,
    },
    {
      model: 'model.onnx',
      format: 'fp32',
      errorModel: 'bit-flip',
      target: 'neurons',
      rangeDetector: false,
      seed: 1,
      perLayer: 6,
      stratify: 'none',
      tau: [0.1, 1, 10],
    },
  );
  // Layer a: ids 0–5, SDC at 0 and 3, ΔLoss 0, ⅛, …, ⅝; layer b: ids 6–11, SDC at 6 and 9, ΔLoss ¾ … 11/8.
  assert.deepEqual(
    s.layers.map((l) => [l.layer, l.neurons, l.n, l.mismatchRate, l.deltaLoss, l.critical.map((c) => c.value)]),
    [
      ['a', 8, 6, 1 / 3, 0.3125, [5 / 6, 0, 0]],
      ['b', 8, 6, 1 / 3, 1.0625, [1, 0.5, 0]],
    ],
  );
  assert.deepEqual([s.lastLayer.layer, s.lastLayer.neurons, s.lastLayer.n], ['b', 8, 6]);
  assert.deepEqual([s.overall.layer, s.overall.neurons, s.overall.n, s.overall.slots], ['overall', 16, 12, 2]);
  close(s.overall.deltaLoss, (0.3125 + 1.0625) / 2);
  assert.equal(s.guard, undefined);
  assert.equal(s.leftOut, undefined);
  assert.deepEqual(
    JSON.parse(JSON.stringify(readRunFile('summary', join(dir, 'summary.json')))),
    JSON.parse(JSON.stringify(s)),
  );
});

test('a text-guided head’s last layers are one neuron-weighted slot, named by joining them', () => {
  const plan = smallPlan({ lastLayers: ['a', 'b'] });
  plan.layers[0]!.elements = 24; // latent 24 neurons, projection 8: weights ¾ and ¼
  const s = summarize(finished('tg', plan));
  assert.deepEqual([s.lastLayer.layer, s.lastLayer.neurons, s.overall.slots], ['a+b', 32, 1]);
  close(s.lastLayer.deltaLoss, 0.75 * 0.3125 + 0.25 * 1.0625);
  close(s.overall.deltaLoss, s.lastLayer.deltaLoss);
});

test('summary.csv: the paper’s columns then each rate with its interval; rows per layer, last layer, overall', () => {
  const plan = smallPlan();
  plan.layers[0]!.name = 'enc "1", x';
  const dir = finished('csv', plan);
  summarize(dir, { tau: [1] });
  const lines = readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n');
  assert.equal(
    lines[0],
    'layer,neurons,n,mismatchRate,mismatchCi,deltaLoss,deltaLossCi,nonFinite,sdc,sdc lower,sdc upper,due,due lower,due upper,critical>1,critical>1 lower,critical>1 upper',
  );
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')),
    ['"enc ""1"", x",8', 'b,8,6', 'b,8,6', 'overall,16,12', ''],
  );
  assert.ok(lines[1]!.startsWith('"enc ""1"", x",8,6,0.3333333333333333,'));
  assert.equal(lines[4]!.split(',').length, 17);
  assert.equal(lines[2]!.split(',')[14], '0.5'); // critical>1 in layer b: 3 of 6
});

test('an unfinished campaign is refused before anything is written', () => {
  const plan = smallPlan();
  const dir = planFolder('unfinished', plan);
  writeFileSync(join(dir, 'faults.jsonl'), unitLines(plan, 0, 8));
  assert.throws(() => summarize(dir), /unfinished campaign, 8 of 12 records verified .* before summarising/);
  assert.equal(existsSync(join(dir, 'summary.json')), false);
  assert.equal(existsSync(join(dir, 'summary.csv')), false);
});
