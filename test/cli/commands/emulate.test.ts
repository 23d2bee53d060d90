import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveModel } from '../../../src/onnx/proto-io.js';
import { runCli } from '../run-cli.js';
import { readGolden } from '../../../src/faults/run/golden.js';
import { residualNet } from '../../faults/nets.js';
import { tempDir } from '../../faults/fixtures.js';

test('tgr emulate writes an int8-held model that tgr inject runs as a campaign in int8 (end to end)', async (t) => {
  const run = tempDir('cli-emulate');
  t.after(() => rmSync(run, { recursive: true, force: true }));
  saveModel(residualNet({ channels: 1, size: 16, classes: 4, width: 4 }), join(run, 'model.onnx'));
  writeFileSync(join(run, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const plan = await runCli('plan', run, '--per-layer', '16', '--quiet');
  assert.equal(plan.code, 0, plan.err);

  const out = join(run, 'int8', 'model.onnx');
  mkdirSync(join(run, 'int8'));
  /** tgr emulate RUN --format F --golden RUN/golden.json --out OUT [extra…] */
  const emulate = (format: string, to: string, ...extra: string[]) =>
    runCli('emulate', run, '--format', format, '--golden', join(run, 'golden.json'), '--out', to, ...extra);
  const r = await emulate('int8', out);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `${out}: 7 layers held in int8\n`);
  const m = loadModel(out);
  assert.equal(m.metadata['tgr.emulated_format'], 'int8');
  assert.equal(m.graph.nodes.filter((n) => n.opType === 'Round').length, 7);

  writeFileSync(join(run, 'int8', 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const inj = await runCli('inject', join(run, 'int8'), '--per-layer', '16', '--format', 'int8', '--quiet');
  assert.equal(inj.code, 0, inj.err);
  assert.match(inj.out, /faults\.jsonl: 112 injections \(0 already done\)/);
  // golden.json records the emulation, so the report can call the campaign's golden accuracy the format's own.
  assert.equal(readGolden(join(run, 'int8', 'golden.json')).model.emulated, 'int8');
  assert.equal(readGolden(join(run, 'golden.json')).model.emulated, undefined);

  const both = join(run, 'int8', 'weights.onnx');
  const w = await emulate('int8', both, '--emulate-weights');
  assert.equal(w.code, 0, w.err);
  assert.equal(w.out, `${both}: 7 layers held in int8, 7 weight tensors too\n`);
  const fc = loadModel(both).graph.initializers.get('fc.weight')!.data as Float32Array;
  const scale = Math.max(...fc.map(Math.abs)) / 127;
  assert.ok(
    fc.every((v) => Number.isInteger(Math.round(v / scale)) && Math.abs(v / scale - Math.round(v / scale)) < 1e-3),
  );

  // Per-channel scales come from a forward pass over the golden images (meta.json names the dataset).
  const ch = join(run, 'int8', 'channel.onnx');
  const c = await emulate('int:8:channel', ch);
  assert.equal(c.code, 0, c.err);
  assert.equal(c.out, `${ch}: 7 layers held in int:8:channel\n`);
  const scales = loadModel(ch).graph.initializers.get('conv1.emulate_t0')!;
  assert.deepEqual(scales.dims, [4, 1, 1]);

  // An FP8 campaign on an FP8-emulated model (no float8 tensor: the model loads as a classifier).
  const fp8 = join(run, 'fp8');
  mkdirSync(fp8);
  writeFileSync(join(fp8, 'meta.json'), JSON.stringify({ dataset: 'synthetic' }));
  const e = await emulate('fp8-e4m3', join(fp8, 'model.onnx'));
  assert.equal(e.code, 0, e.err);
  assert.equal(loadModel(join(fp8, 'model.onnx')).opset, loadModel(join(run, 'model.onnx')).opset);
  const f = await runCli('inject', fp8, '--per-layer', '16', '--format', 'fp8-e4m3', '--quiet');
  assert.equal(f.code, 0, f.err);
  assert.match(f.out, /faults\.jsonl: 112 injections \(0 already done\)/);
  assert.equal(readGolden(join(fp8, 'golden.json')).model.emulated, 'fp8-e4m3');

  const bad = await emulate('bfp:8', out);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^tgr: .*'bfp:8'/);
});
