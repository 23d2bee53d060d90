import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../../../src/onnx/types.js';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier, type Classifier } from '../../../src/faults/model/classifier.js';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { emulatedModel } from '../../../src/faults/run/emulate.js';
import { goldenRun, readGoldenActivations } from '../../../src/faults/run/golden.js';
import { keptLimit, keptTensors, perImageValues } from '../../../src/faults/run/kept-tensors.js';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { attentionNet, residualNet } from '../nets.js';
import { fixture, tempDir, type Fixture } from '../fixtures.js';
import { countForwards } from './forward-count.js';
import { assertClose } from '../plain-check.js';

test('keptTensors on the linear head: the scores, the final Linear and its input, nothing of the backbone', async () => {
  const clf = await loadClassifier(residualNet());
  assert.deepEqual(keptTensors(clf), [
    { name: 'logits', size: 10 },
    { name: 'fc', size: 10 },
    { name: 'flatten', size: 8 },
  ]);
});

test('keptTensors on the text-guided head: the scores, latent and projection with their inputs', async () => {
  const clf = await loadClassifier(attentionNet());
  assert.deepEqual(keptTensors(clf), [
    { name: 'logits', size: 5 },
    { name: 'head.latent', size: 6 },
    { name: 'reducemean', size: 8 },
    { name: 'head.projection', size: 5 },
    { name: 'head.normalize.div', size: 6 },
  ]);
});

test('keptTensors keeps a declared last layer without an analytic suffix: its output, the skip it carries, its input', async () => {
  const m = residualNet();
  const clf = await loadClassifier({
    ...m,
    metadata: { ...m.metadata, 'tgr.last_layers': JSON.stringify(['layer2.0.conv2']) },
  });
  assert.deepEqual(
    keptTensors(clf).map((t) => `${t.name}:${t.size}`),
    // fc is kept as before (its faults are analytic); the conv brings its output, the downsample branch the
    // suffix's Add reads, and the ReLU output it reads.
    ['logits:10', 'layer2.0.conv2:128', 'layer2.0.downsample.bn:128', 'layer2.0.relu1:128', 'fc:10', 'flatten:8'],
  );
});

test('keptTensors: a layer is kept only while its tensors (scores included) hold at most keptLimit values per image', async () => {
  assert.equal(keptLimit, 4096);
  // fc: its output and the scores (2 × 2,024) and 48 pooled features make 4,096; one more class makes 4,098.
  const at = await loadClassifier(residualNet({ classes: 2024, width: 24, size: 4 }));
  assert.deepEqual(
    keptTensors(at).map((t) => `${t.name}:${t.size}`),
    ['logits:2024', 'fc:2024', 'flatten:48'],
  );
  const over = await loadClassifier(residualNet({ classes: 2025, width: 24, size: 4 }));
  assert.deepEqual(keptTensors(over), []);
});

test('keptTensors on emulated nets: the stored (held) tensor the runner injects at, not the layer’s fp32 output', async () => {
  for (const spec of ['bf16', 'int8', 'bfp8']) {
    const fp32 = await fixture(residualNet(), 8);
    const fx = await fixture(emulatedModel(fp32.classifier.model, fp32.golden.layers, numberFormat(spec)), 8);
    assert.equal(fx.classifier.layers.find((l) => l.name === 'fc')!.tensor, 'fc.fp32');
    assert.deepEqual(
      keptTensors(fx.classifier).map((t) => t.name),
      ['logits', 'fc', 'flatten'],
      spec,
    );
  }
});

test('perImageValues: values per image, Infinity without a batch axis or for an unknown tensor', async () => {
  const clf = await loadClassifier(residualNet());
  assert.equal(perImageValues(clf, 'layer1.0.conv1'), 4 * 8 * 8);
  assert.equal(perImageValues(clf, 'logits'), 10);
  assert.equal(perImageValues(clf, 'fc.weight'), Infinity);
  assert.equal(perImageValues(clf, 'nope'), Infinity);
});

/** The kept set before keptTensors (an old run folder's): scores, layer outputs and inputs of ≤ 4,096 values. */
function sizeRule(clf: Classifier): string[] {
  const names = [clf.output.name, ...clf.layers.flatMap((l) => [l.tensor, l.input])].filter(
    (t) => t !== clf.input.name,
  );
  return [...new Set(names)].filter((t) => perImageValues(clf, t) <= 4096);
}

/** Runs `plan`'s campaign from a golden pass keeping `keep` (default keptTensors); its records and forward passes. */
async function campaignWith(
  fx: Fixture,
  keep: string[] | undefined,
  layers: readonly string[] | undefined,
): Promise<{ records: string; forwards: number; bytes: number }> {
  const dir = tempDir('kept-tensors');
  const out = join(dir, 'golden.json');
  const golden = await goldenRun({ classifier: fx.classifier, images: fx.images, quiet: true, out, keep });
  const plan = planCampaign({ classifier: fx.classifier, golden, perLayer: 12, layers, seed: 4 });
  const forwards = await countForwards(() =>
    runCampaign({ ...fx, golden, plan, dir, quiet: true, activations: readGoldenActivations(out, golden) }),
  );
  const records = readFileSync(join(dir, 'faults.jsonl'), 'utf8');
  return { records, forwards, bytes: statSync(join(dir, 'golden-activations.bin')).size };
}

for (const [label, net] of [
  ['residual', residualNet],
  ['attention', attentionNet],
] as [string, () => Model][]) {
  test(`${label} net: campaigns give the same records from an old run folder keeping every small tensor`, async () => {
    const fx = await fixture(net(), 12);
    const old = sizeRule(fx.classifier);
    assert.ok(old.length > keptTensors(fx.classifier).length);
    for (const layers of [undefined, fx.classifier.lastLayers]) {
      const lean = await campaignWith(fx, undefined, layers);
      const wide = await campaignWith(fx, old, layers);
      assert.equal(lean.records, wide.records, `records of ${layers ?? 'every layer'}`);
      assert.ok(lean.records.split('\n').length > 12);
      assert.ok(lean.bytes < wide.bytes);
      // Last layers are served from the kept rows by either file; every layer needs the one forward pass.
      assert.deepEqual([lean.forwards, wide.forwards], layers ? [0, 0] : [1, 1]);
    }
  });
}

test('emulated nets: last-layer campaigns are served from the kept held tensors, scores as from a unit forward pass', async () => {
  for (const spec of ['bf16', 'int8']) {
    const fp32 = await fixture(residualNet(), 12);
    const fx = await fixture(emulatedModel(fp32.classifier.model, fp32.golden.layers, numberFormat(spec)), 12);
    const dir = tempDir('kept-emulated');
    const out = join(dir, 'golden.json');
    const golden = await goldenRun({ classifier: fx.classifier, images: fx.images, quiet: true, out });
    const plan = planCampaign({ classifier: fx.classifier, golden, perLayer: 16, layers: ['fc'], format: spec });
    const scores = [new Map<number, Float32Array>(), new Map<number, Float32Array>()];
    const forwards = [];
    for (const [k, activations] of [readGoldenActivations(out, golden), undefined].entries())
      forwards.push(
        await countForwards(() =>
          runCampaign({
            ...fx,
            golden,
            plan,
            dir: join(dir, String(k)),
            quiet: true,
            activations,
            onScores: (id, s, path) => (assert.equal(path, 'analytic'), scores[k]!.set(id, s.slice())),
          }),
        ),
      );
    assert.deepEqual(forwards, [0, 1], spec);
    assert.equal(scores[0]!.size, 16);
    for (const [id, s] of scores[0]!) assertClose(s, scores[1]!.get(id)!, `${spec} fault ${id}`);
  }
});

test('a campaign on the linear head from a golden file creates no ORT session at all (no prefix, no suffix)', async () => {
  const fx = await fixture(residualNet(), 12);
  const dir = tempDir('kept-no-session');
  const out = join(dir, 'golden.json');
  const golden = await goldenRun({ classifier: fx.classifier, images: fx.images, quiet: true, out });
  const activations = readGoldenActivations(out, golden);
  const plan = planCampaign({ classifier: fx.classifier, golden, perLayer: 40, layers: fx.classifier.lastLayers });
  const create = Session.create;
  let sessions = 0;
  Session.create = ((...a: Parameters<typeof create>) => ((sessions += 1), create(...a))) as typeof create;
  try {
    const r = await runCampaign({ ...fx, golden, plan, dir, quiet: true, activations });
    assert.deepEqual(r.paths, { masked: 0, analytic: 40, suffix: 0, plain: 0 });
  } finally {
    Session.create = create;
  }
  assert.equal(sessions, 0);
});
