import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { readRecords } from '../../../src/faults/store/store.js';
import { f32ToBits } from '../../../src/faults/formats/fp32.js';
import { residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';

test('every record holds the injected pattern (original XOR mask on integers), signalling NaNs included', async () => {
  const fx = await fixture(residualNet());
  const plan = planCampaign({ ...fx, perLayer: 64 });
  // Bit 30 turns each value in [1, 2) into Inf or NaN — a signalling one when mantissa bit 22 is clear, [1, 1.5).
  plan.sites.bit = plan.sites.bit.map(() => 30);
  const dir = tempDir('records-exact');
  await runCampaign({ ...fx, plan, dir, quiet: true, threads: 1 });
  const records = readRecords(join(dir, 'faults.jsonl'));
  let signalling = 0;
  for (const r of records) {
    const want = (f32ToBits(r.original) ^ (1 << 30)) >>> 0;
    const got = Number.isFinite(r.faulty) ? f32ToBits(r.faulty) : r.faultyBits;
    assert.equal(got, want, `record ${r.id}: ${got?.toString(16)} ≠ ${want.toString(16)}`);
    if ((want & 0x7f800000) === 0x7f800000 && (want & 0x7fffff) !== 0 && !(want & 0x400000)) signalling++;
  }
  assert.ok(signalling > 0, 'the plan reaches signalling NaNs');
  const lines = readFileSync(join(dir, 'faults.jsonl'), 'utf8').trimEnd().split('\n');
  assert.equal(
    lines.filter((l) => l.includes('"faulty":null,"faultyBits":')).length,
    records.filter((r) => !Number.isFinite(r.faulty)).length,
  );
});
