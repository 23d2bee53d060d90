import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../src/models/registry.js';
import { countModel, parameterNames } from '../../src/models/count.js';
import { Session } from '../../src/engine/session.js';
import { relativeCoordsTable } from '../../src/models/swin-v2.js';
import { buildSwinV2, fixtureModel, fixtureTensors } from './swin-v2-small.js';

const imagenet = (backbone: string, head: 'linear' | 'text-guided', side = 224) =>
  countModel(
    buildModel({ backbone, head, inputShape: [3, side, side], numClasses: 1000, embedDim: 512 }, { shapesOnly: true }),
  );

test("swin-v2-t/s at ImageNet size have torchvision's 28,351,570 / 49,737,442 parameters; the text-guided head adds exactly 136,729 (F 768, E 512)", () => {
  for (const [name, params] of [
    ['swin-v2-t', 28_351_570],
    ['swin-v2-s', 49_737_442],
  ] as const) {
    const linear = imagenet(name, 'linear');
    assert.equal(linear.params, params);
    assert.equal(imagenet(name, 'text-guided').params - params, 136_729);
  }
});

test("MACs at 256×256 (the crop torchvision's V2 weights use) are its published 5.94 / 11.55 GFLOPS", () => {
  assert.equal(Number((imagenet('swin-v2-t', 'linear', 256).macs / 1e9).toFixed(2)), 5.94);
  assert.equal(Number((imagenet('swin-v2-s', 'linear', 256).macs / 1e9).toFixed(2)), 11.55);
});

test('buffers are constants, not parameters: relative_coords_table and relative_position_index are not counted or trained', () => {
  const m = buildModel(
    { backbone: 'swin-v2-t', head: 'linear', inputShape: [3, 32, 32], numClasses: 10 },
    { shapesOnly: true },
  );
  const names = parameterNames(m.graph);
  assert.ok(names.includes('features.1.0.attn.logit_scale') && names.includes('features.1.0.attn.cpb_mlp.2.weight'));
  assert.ok(!names.some((n) => /relative|const_/.test(n)));
});

test("relative_coords_table equals torchvision's for a 4×4 window (corner, centre and first row)", () => {
  const t = relativeCoordsTable([4, 4]);
  assert.equal(t.length, 7 * 7 * 2);
  // Offset −3 scales to −8: sign·log2(9)/3; offset −1 to −8/3: −log2(11/3)/3.
  assert.equal(t[0], Math.fround(-Math.log2(9) / 3));
  assert.equal(t[2 * 2 + 1], Math.fround(-Math.fround(Math.log2(Math.fround(8 / 3) + 1)) / 3));
  assert.deepEqual([t[(3 * 7 + 3) * 2], t[(3 * 7 + 3) * 2 + 1]], [0, 0]);
});

test('forward equals torchvision 0.14 SwinTransformer (V2 block and merging) for the same weights to 1e-4 relative (fixture from scripts/fixtures/swin_v2.py)', async () => {
  const t = fixtureTensors();
  const m = buildSwinV2({ head: 'linear', inputShape: [3, 40, 40], numClasses: 10 });
  const params = parameterNames(m.graph).sort();
  // Every parameter of ours is one of torchvision's, by its state_dict name and shape, and none is left over.
  assert.deepEqual(params, [...t.keys()].filter((n) => n !== 'input' && n !== 'logits').sort());
  for (const n of params) assert.deepEqual(t.get(n)!.dims, m.graph.initializers.get(n)!.dims, n);
  const s = await Session.create(fixtureModel(40));
  const got = (await s.run({ input: t.get('input')! })).logits!.data as Float32Array;
  await s.release();
  const want = t.get('logits')!.data;
  assert.equal(got.length, want.length);
  const scale = Math.max(...want.map(Math.abs));
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4 * scale, `logit ${i}: ${got[i]} vs ${w}`));
});
