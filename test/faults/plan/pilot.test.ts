import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../../src/core/errors.js';
import { mattered, pilotPlan, pilotSd, pilotTau, strataSd } from '../../../src/faults/plan/pilot.js';
import type { CampaignPlan, PlanOptions } from '../../../src/faults/plan/plan.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';
import { plan as sample } from '../../run-folder/samples.js';

/** A record with a golden top-1 of 3 and loss 0.5; `o` overrides the faulty side. */
const record = (o: Partial<InjectionRecord>): InjectionRecord =>
  ({
    layer: 'conv1',
    bit: 0,
    goldenTop1: 3,
    faultyTop1: 3,
    goldenLoss: 0.5,
    faultyLoss: 0.5,
    nonFinite: false,
    ...o,
  }) as InjectionRecord;

test('mattered: SDC, DUE (non-finite, detected, lost loss) or ΔLoss above τ = 1', () => {
  assert.equal(pilotTau, 1);
  assert.equal(mattered(record({})), false);
  assert.equal(mattered(record({ faultyLoss: 1.5 })), false); // ΔLoss exactly 1 is not above τ
  assert.equal(mattered(record({ faultyLoss: 1.5000001 })), true);
  assert.equal(mattered(record({ faultyLoss: -0.6 })), true); // |ΔLoss| counts
  assert.equal(mattered(record({ faultyTop1: 4 })), true);
  assert.equal(mattered(record({ nonFinite: true })), true);
  assert.equal(mattered(record({ detected: true } as Partial<InjectionRecord>)), true);
  assert.equal(mattered(record({ detected: false } as Partial<InjectionRecord>)), false);
  assert.equal(mattered(record({ faultyLoss: null } as unknown as Partial<InjectionRecord>)), true);
  assert.equal(mattered(record({ faultyLoss: Infinity })), true);
});

test('pilotSd smooths p to (hits + ½)/(n + 1)', () => {
  assert.equal(pilotSd(0, 1), Math.sqrt(0.25 * 0.75));
  assert.equal(pilotSd(3, 3), Math.sqrt(0.875 * 0.125));
  assert.equal(pilotSd(1, 2), Math.sqrt(0.5 * 0.5));
  assert.equal(pilotSd(0, 0), 0.5);
});

test('pilotPlan is for --stratify bit and refuses a pilot under two sites per bit', () => {
  const settings = { stratify: 'bit', format: 'int8', errorModel: 'bit-flip' } as PlanOptions;
  const error = (message: string) => (e: unknown) =>
    e instanceof TgrError && e.code === 'bad_argument' && e.message === message;
  assert.throws(
    () => pilotPlan({ ...settings, stratify: 'none' }, 64),
    error('--pilot is for --stratify bit --allocation neyman'),
  );
  for (const pilot of [15, 16.5])
    assert.throws(
      () => pilotPlan(settings, pilot),
      error(`--pilot ${pilot} is too small: 8 bit strata need at least 2 pilot sites each (16) — raise --pilot`),
    );
  assert.throws(
    () => pilotPlan({ ...settings, format: undefined }, 63),
    error('--pilot 63 is too small: 32 bit strata need at least 2 pilot sites each (64) — raise --pilot'),
  );
});

test('strataSd tallies "mattered" per layer and bit stratum', () => {
  const plan = { ...sample, strata: { weights: [0.25, 0.25, 0.25, 0.25], allocation: 'equal' } } as CampaignPlan;
  const sd = strataSd(plan);
  sd.add(record({ layer: 'conv1', bit: 0, faultyTop1: 1 }));
  sd.add(record({ layer: 'conv1', bit: 0 }));
  sd.add(record({ layer: 'conv1', bit: 2, nonFinite: true }));
  sd.add(record({ layer: 'fc', bit: 3 }));
  assert.deepEqual(sd.sd(), {
    conv1: [pilotSd(1, 2), pilotSd(0, 0), pilotSd(1, 1), pilotSd(0, 0)],
    fc: [pilotSd(0, 0), pilotSd(0, 0), pilotSd(0, 0), pilotSd(0, 1)],
  });
});
