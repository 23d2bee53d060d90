import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarySchema } from '../../src/run-folder/summary.js';
import { summary } from './samples.js';

test('summary schema: a number JSON wrote as null (NaN, ±∞) reads back as NaN; a stratum bit of null stays null', () => {
  const layer = summary.layers[0]!;
  const none = { ...layer, deltaLoss: NaN, sdc: { ...layer.sdc, upper: Infinity } };
  const onDisk = JSON.parse(JSON.stringify({ ...summary, layers: [none] }));
  assert.equal(onDisk.layers[0].deltaLoss, null);
  const back = summarySchema.parse(onDisk).layers[0]!;
  assert.ok(Number.isNaN(back.deltaLoss) && Number.isNaN(back.sdc.upper));
  assert.equal(back.strata[0]!.bit, null);
  assert.deepEqual({ ...back, deltaLoss: 0, sdc: layer.sdc }, { ...layer, deltaLoss: 0 });
});

test('summary schema: counts are whole numbers; a summary without per-stratum tallies (older tgr) is refused', () => {
  const r = summarySchema.safeParse({ ...summary, layers: [{ ...summary.layers[0]!, n: 2.5 }] });
  assert.equal(r.error?.issues[0]?.path.join('.'), 'layers.0.n');
  const { strata: _, ...old } = summary.layers[0]!;
  assert.equal(
    summarySchema.safeParse({ ...summary, layers: [old] }).error?.issues[0]?.path.join('.'),
    'layers.0.strata',
  );
});
