import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxPlanSites, planCampaign } from '../../../src/faults/plan/plan.js';
import { checkPlanModel, readPlan, writePlan } from '../../../src/faults/plan/plan-file.js';
import { parseShard, shardUnits } from '../../../src/faults/plan/shard.js';
import { goldenPool } from '../../../src/faults/run/golden.js';
import { TgrError } from '../../../src/core/errors.js';
import { attentionNet, residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';

const fx = fixture(residualNet());

test('a plan is deterministic, samples inside pool/layer/format, and tiles its ids with units', async () => {
  const { classifier, golden } = await fx;
  const a = planCampaign({ classifier, golden, perLayer: 50, seed: 3 });
  assert.deepEqual(planCampaign({ classifier, golden, perLayer: 50, seed: 3 }), a);
  assert.notDeepEqual(planCampaign({ classifier, golden, perLayer: 50, seed: 4 }).sites, a.sites);
  const pool = new Set(goldenPool(golden));
  const n = a.sites.layer.length;
  assert.equal(n, 50 * classifier.layers.length);
  for (let i = 0; i < n; i++) {
    assert.ok(pool.has(a.sites.image[i]!));
    assert.ok(a.sites.index[i]! < a.layers[a.sites.layer[i]!]!.elements);
    assert.ok(a.sites.bit[i]! >= 0 && a.sites.bit[i]! < 32);
  }
  a.layers.forEach((_, li) => assert.equal(a.sites.layer.filter((x) => x === li).length, 50));
  let next = 0;
  for (const u of a.units) {
    assert.equal(u.start, next);
    for (let i = u.start; i < u.end; i++)
      assert.ok(u.images.includes(a.sites.image[i]!), 'a unit caches the images of its sites');
    next = u.end;
  }
  assert.equal(next, n);
  // Choosing layers leaves each chosen layer's sites as they were.
  const sub = planCampaign({ classifier, golden, perLayer: 50, seed: 3, layers: ['fc'] });
  const key = (p: typeof a, li: number) =>
    p.sites.layer
      .flatMap((l, i) => (l === li ? [`${p.sites.image[i]}/${p.sites.index[i]}/${p.sites.bit[i]}`] : []))
      .sort();
  assert.deepEqual(
    key(sub, 0),
    key(
      a,
      a.layers.findIndex((l) => l.name === 'fc'),
    ),
  );
});

test('weight targets sample weight elements of layers with constant weights; multi-bit models record every bit', async () => {
  const vit = await fixture(attentionNet(), 8);
  const p = planCampaign({
    classifier: vit.classifier,
    golden: vit.golden,
    perLayer: 10,
    target: 'weights',
    errorModel: 'multi-bit-adjacent:3',
    format: 'bf16',
  });
  assert.ok(!p.layers.some((l) => l.name === 'attn.scores'), 'activation × activation products have no weight');
  assert.equal(p.layers.find((l) => l.name === 'head.projection')!.elements, 5 * 6);
  assert.ok(
    p.sites.bits!.every((b, i) => b.length === 3 && b[1] === b[0]! + 1 && b[0] === p.sites.bit[i] && b[2]! < 16),
  );
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TgrError, String(e));
    assert.ok(!e.message.includes('\n'));
    return e.message;
  }
  assert.fail('expected a TgrError');
}

test('unknown layers, an empty pool, and a plan for another model are one-line errors', async () => {
  const { classifier, golden } = await fx;
  assert.match(
    errorOf(() => planCampaign({ classifier, golden, perLayer: 5, layers: ['fc', 'conv9'] })),
    /^layer 'conv9' is not an injectable layer; layers of resnet_like\.onnx: conv1, layer1\.0\.conv1, .*, fc$/,
  );
  const wrong = { ...golden, labels: golden.preds.map((p) => (p + 1) % 10) };
  assert.match(
    errorOf(() => planCampaign({ classifier, golden: wrong, perLayer: 5 })),
    /^golden\.json: no image is classified correctly with Top2Diff > 0 \(accuracy 0\.0% on 24 images\); nothing to inject into/,
  );
  const plan = planCampaign({ classifier, golden, perLayer: 5 });
  assert.match(
    errorOf(() =>
      checkPlanModel({ ...plan, model: { ...plan.model, sha256: 'ab'.repeat(32) } }, classifier, 'plan.json'),
    ),
    /^plan\.json was made for a model with sha256 abababababab…, but resnet_like\.onnx has [0-9a-f]{12}… — re-plan with 'tgr plan'$/,
  );
});

test('malformed plan files are one-line errors naming the file and the field', async () => {
  const { classifier, golden } = await fx;
  const dir = tempDir('plan');
  const path = join(dir, 'plan.json');
  const plan = planCampaign({ classifier, golden, perLayer: 4 });
  writePlan(path, plan);
  assert.deepEqual(readPlan(path), plan, 'round trip');
  const cases: [unknown, RegExp][] = [
    [{ ...plan, version: 2 }, /not a valid plan\.json: version: Invalid input: expected 1/],
    [{ ...plan, format: 'fp8' }, /unknown number format 'fp8'; choose one of: fp32, fp16, bf16, int8/],
    [
      { ...plan, sites: { ...plan.sites, index: plan.sites.index.slice(1) } },
      /sites\.index has 27 entries but sites\.layer has 28/,
    ],
    [
      { ...plan, sites: { ...plan.sites, bit: plan.sites.bit.map(() => 40) } },
      /site 0 has bit 40, outside fp32's 0\.\.31/,
    ],
    [{ ...plan, units: [{ ...plan.units[0]!, start: 1 }] }, /units\[0\] does not continue at site 0/],
    [{ ...plan, perLayer: 'many' }, /perLayer: Invalid input: expected number, received string/],
  ];
  for (const [value, re] of cases) {
    writeFileSync(path, JSON.stringify(value));
    assert.match(
      errorOf(() => readPlan(path)),
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*${re.source}.* — re-create it with 'tgr plan'$`),
    );
  }
  writeFileSync(path, '{"version": 1,');
  assert.match(
    errorOf(() => readPlan(path)),
    /plan\.json: not valid JSON \(.*\) — re-create it with 'tgr plan'$/,
  );
});

test('shards tile the plan sites in id order; --shard is checked', async () => {
  const { classifier, golden } = await fx;
  const plan = planCampaign({ classifier, golden, perLayer: 100, batchSize: 8, unitSites: 1 });
  assert.ok(plan.units.length >= 6);
  let next = 0;
  for (let k = 0; k < 4; k++) {
    for (const u of shardUnits(plan, { index: k, count: 4 }).units) {
      assert.equal(u.start, next);
      next = u.end;
    }
  }
  assert.equal(next, plan.sites.layer.length);
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.match(
    errorOf(() => parseShard('4/4')),
    /^--shard expects k\/n with 0 ≤ k < n/,
  );
});

test('a plan larger than memory holds is refused before sampling, with the limit', async () => {
  const { classifier, golden } = await fx;
  const perLayer = Math.floor(maxPlanSites / classifier.layers.length) + 1;
  const sites = perLayer * classifier.layers.length;
  assert.throws(
    () => planCampaign({ classifier, golden, perLayer }),
    (e) =>
      e instanceof TgrError &&
      e.message ===
        `--per-layer ${perLayer} × ${classifier.layers.length} layers = ${sites} sites; a plan holds at most 10000000 in memory — lower --per-layer or pick fewer --layers`,
  );
});
