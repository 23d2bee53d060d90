import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

/** A run folder holding an untrained 1×16×16, 4-class residual net; the synthetic dataset matches its input. */
function runFolder(label: string): string {
  const dir = tempDir(label);
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  return dir;
}

test('tgr inspect, plan, inject, inject --shard + merge on a tiny model and the synthetic dataset (end to end)', async (t) => {
  const run = runFolder('cli-inject');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  const ins = await runCli('inspect', run);
  assert.equal(ins.code, 0, ins.err);
  assert.match(ins.out, /input {3}'input' \[N,1,16,16\]\noutput {2}'logits' \[N,4\]: 4 classes\n7 injectable layers/);
  assert.match(ins.out, /\n {2}fc \* +Gemm +4 +4 +32\n?$/);

  const plan = await runCli('plan', run, '--per-layer', '40', '--margin', '0.05', '--quiet');
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /plan: 7 layers × 40 = 280 injections, neurons, fp32, bit-flip, seed 0, range detector off/);
  assert.match(plan.out, /n for ±5\.00%/);
  assert.ok(existsSync(join(run, 'golden.json')) && existsSync(join(run, 'campaign', 'fp32', 'plan.json')));

  const inj = await runCli('inject', run, '--per-layer', '40', '--quiet');
  assert.equal(inj.code, 0, inj.err);
  assert.match(inj.out, /faults\.jsonl: 280 injections \(0 already done\)/);
  assert.match(inj.out, /\n {2}overall +280 /);
  const one = readFileSync(join(run, 'campaign', 'fp32', 'faults.jsonl'));

  for (const k of ['0', '1']) {
    const r = await runCli('inject', run, '--per-layer', '40', '--name', 'sharded', '--shard', `${k}/2`, '--quiet');
    assert.equal(r.code, 0, r.err);
  }
  const m = await runCli('merge', run, '--shards', '2', '--name', 'sharded');
  assert.equal(m.code, 0, m.err);
  assert.ok(readFileSync(join(run, 'campaign', 'sharded', 'faults.jsonl')).equals(one));
  assert.equal(
    readFileSync(join(run, 'campaign', 'sharded', 'summary.csv'), 'utf8'),
    readFileSync(join(run, 'campaign', 'fp32', 'summary.csv'), 'utf8'),
  );

  // --tau reaches summary.json (a finished campaign is only re-summarised): per-stratum tallies, one critical rate
  // per threshold, and an overall over 7 layer slots.
  const tau = await runCli('inject', run, '--per-layer', '40', '--tau', '0.5,5', '--quiet');
  assert.equal(tau.code, 0, tau.err);
  const summary = JSON.parse(readFileSync(join(run, 'campaign', 'fp32', 'summary.json'), 'utf8'));
  assert.deepEqual(summary.tau, [0.5, 5]);
  assert.equal(summary.overall.slots, 7);
  assert.deepEqual(
    summary.layers[0].strata.map((s: { bit: number | null; n: number }) => [s.bit, s.n]),
    [[null, 40]],
  );
  assert.equal(summary.layers[0].critical.length, 2);
  assert.match(
    readFileSync(join(run, 'campaign', 'fp32', 'summary.csv'), 'utf8'),
    /,critical>0\.5,critical>0\.5 lower,/,
  );
  // tgr merge takes --tau too: the sharded campaign's summary equals the single run's again.
  const again = await runCli('merge', run, '--shards', '2', '--name', 'sharded', '--tau', '0.5,5');
  assert.equal(again.code, 0, again.err);
  assert.equal(
    readFileSync(join(run, 'campaign', 'sharded', 'summary.csv'), 'utf8'),
    readFileSync(join(run, 'campaign', 'fp32', 'summary.csv'), 'utf8'),
  );
});

test('tgr inject: other settings than the plan on disk, an unknown layer, a damaged plan: one-line errors, exit 2', async (t) => {
  const run = runFolder('cli-errors');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  assert.equal((await runCli('plan', run, '--per-layer', '8', '--quiet')).code, 0);
  const other = await runCli('inject', run, '--per-layer', '9', '--quiet');
  assert.equal(other.code, 2);
  assert.match(
    other.err,
    /^tgr: .*plan\.json was planned with other settings \(perLayer\) — pass --name for a second campaign, or delete the folder to re-plan\n$/,
  );
  const unknown = await runCli('plan', run, '--layers', 'fc,conv7', '--name', 'x', '--quiet');
  assert.match(
    unknown.err,
    /^tgr: layer 'conv7' is not an injectable layer; layers of .*model\.onnx: conv1, .*, fc\n$/,
  );
  writeFileSync(join(run, 'campaign', 'fp32', 'plan.json'), '{"version": 1}');
  const bad = await runCli('inject', run, '--per-layer', '8', '--quiet');
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /^tgr: .*plan\.json: not a valid plan\.json: model: Invalid input: expected object, received undefined — re-create it with 'tgr plan'\n$/,
  );
});

test('tgr inject --guard: analytic refused for a linear head in one line, profiled runs; the guard is a plan setting', async (t) => {
  const run = runFolder('cli-guard');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  const refused = await runCli('inject', run, '--per-layer', '8', '--guard', 'analytic', '--quiet');
  assert.equal(refused.code, 2);
  assert.match(
    refused.err,
    /^tgr: --guard analytic: .*model\.onnx \(head 'linear'\) has no text-guided head \(scores = exp\(s\)·\(f\/‖f‖\)·Pᵀ after a layer\), so its logits have no bound from the weights — use --guard profiled\n$/,
  );
  const ok = await runCli('inject', run, '--per-layer', '8', '--guard', 'profiled', '--layers', 'fc', '--quiet');
  assert.equal(ok.code, 0, ok.err);
  assert.match(
    ok.out,
    /\nguard profiled: \d of 8 detected \(DUE\); undetected ΔLoss max [0-9.e-]+, p99 [0-9.e-]+, proven bound [0-9.]+\n$/,
  );
  const plan = JSON.parse(readFileSync(join(run, 'campaign', 'fp32', 'plan.json'), 'utf8'));
  assert.equal(plan.guard, 'profiled');
  assert.equal(plan.guardBounds.length, 4);
  const other = await runCli('inject', run, '--per-layer', '8', '--layers', 'fc', '--quiet');
  assert.match(other.err, /planned with other settings \(guard\)/);
  const planned = await runCli('plan', run, '--per-layer', '8', '--guard', 'profiled', '--name', 'p', '--quiet');
  assert.match(planned.out, /range detector off, guard profiled \(undetected ΔLoss ≤ [0-9.]+, proven\)\n/);
});
