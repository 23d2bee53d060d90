import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TgrError } from '../../../src/core/errors.js';
import type { CampaignOptions } from '../../../src/faults/campaign-options.js';
import type { Classifier } from '../../../src/faults/model/classifier.js';
import { roundsOptions } from '../../../src/faults/plan/precision.js';
import type { GoldenRun } from '../../../src/faults/store/records.js';

const classifier = { file: 'm.onnx' } as unknown as Classifier;
const golden = { images: 3 } as unknown as GoldenRun;
const base = {
  model: 'runs/a/model.onnx',
  images: {} as CampaignOptions['images'],
  runDir: 'runs/a',
  perLayer: 1000,
  halfwidth: 0.01,
} as CampaignOptions;

const bad = (message: string) => (e: unknown) =>
  e instanceof TgrError && e.code === 'bad_argument' && e.message === message;

test('roundsOptions fills the defaults and names the campaign folder after --name, else the format', () => {
  const r = roundsOptions(base, classifier, golden);
  assert.deepEqual(
    { halfwidth: r.halfwidth, pilot: r.pilot, maxRounds: r.maxRounds, dir: r.dir },
    { halfwidth: 0.01, pilot: 128, maxRounds: 5, dir: join('runs/a', 'campaign', 'fp32') },
  );
  assert.equal(r.settings.classifier, classifier);
  assert.equal(r.settings.perLayer, 1000);
  assert.equal(roundsOptions({ ...base, format: 'int8' }, classifier, golden).dir, join('runs/a', 'campaign', 'int8'));
  const named = roundsOptions({ ...base, format: 'int8', name: 'x', pilot: 4, maxRounds: 0 }, classifier, golden);
  assert.deepEqual([named.dir, named.pilot, named.maxRounds], [join('runs/a', 'campaign', 'x'), 4, 0]);
});

test('roundsOptions refuses a bad name, half-width, cap or pilot, naming the flag', () => {
  const refused = (o: Partial<CampaignOptions>, message: string) =>
    assert.throws(() => roundsOptions({ ...base, ...o }, classifier, golden), bad(message));
  refused(
    { name: '../x' },
    "campaign name (--name) '../x' is not a plain name (no '/', '\\', '.' or '..'): it names a folder inside another; pass a single name such as fp32-rd",
  );
  refused({ halfwidth: 0.5 }, '--halfwidth expects a proportion in (0, 0.5), e.g. 0.005 for ±0.5%; got 0.5');
  refused({ halfwidth: 0 }, '--halfwidth expects a proportion in (0, 0.5), e.g. 0.005 for ±0.5%; got 0');
  refused({ maxRounds: -1 }, '--max-rounds expects a whole number ≥ 0 (top-up rounds after the pilot); got -1');
  refused(
    { allocation: 'equal' },
    '--halfwidth allocates each round from the records so far: --allocation floor (the default) or neyman; drop --allocation equal',
  );
  refused({ allocation: 'neyman' }, "--allocation neyman splits a layer's sites over bit strata; add --stratify bit");
  refused({ pilot: 0 }, '--pilot 0 is too small for --halfwidth: a layer needs one site (1) — raise --pilot');
  refused(
    { stratify: 'bit', format: 'fp16', pilot: 31 },
    '--pilot 31 is too small for --halfwidth: 16 bit strata need 2 sites each (32) — raise --pilot',
  );
  refused(
    { perLayer: 100 },
    "--per-layer 100 is below --pilot 128; with --halfwidth --per-layer caps each layer's sites — raise it",
  );
});
