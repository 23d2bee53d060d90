import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import {
  goldenPool,
  goldenRun,
  imagesPerRun,
  readGolden,
  readGoldenActivations,
} from '../../../src/faults/run/golden.js';
import { withOutputs } from '../../../src/faults/model/exposed.js';
import { imageSetFromArrays } from '../../../src/faults/run/images.js';
import { scoreRow } from '../../../src/stats/scores.js';
import { residualNet, randomImages } from '../nets.js';
import { tempDir } from '../fixtures.js';

test('the golden run matches a direct ORT run: labels, predictions, losses, pool, per-layer max/mean |activation|', async () => {
  const clf = await loadClassifier(residualNet());
  const n = 20;
  const x = randomImages(n, 8, 11);
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const images = imageSetFromArrays({ images: x, labels, shape: [3, 8, 8], name: 'random', split: 'test' });
  const out = join(tempDir('golden'), 'golden.json');
  const g = await goldenRun({ classifier: clf, images, batchSize: 7, out, quiet: true });
  const s = await Session.create({
    ...clf.model,
    graph: { ...clf.model.graph, outputs: [...clf.model.graph.outputs, clf.model.graph.valueInfo.get('conv1')!] },
  });
  const r = await s.run({ input: { dtype: 'float32', dims: [n, 3, 8, 8], data: x } });
  const logits = r.logits!.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const sc = scoreRow(logits, i, 10, labels[i]!);
    assert.equal(g.preds[i], sc.top1);
    assert.ok(Math.abs(g.losses[i]! - sc.loss) < 1e-5);
  }
  const conv1 = r.conv1!.data as Float32Array;
  const max = conv1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const mean = conv1.reduce((m, v) => m + Math.abs(v), 0) / conv1.length;
  assert.equal(g.layers[0]!.maxAbs, max);
  assert.ok(Math.abs(g.layers[0]!.meanAbs - mean) < 1e-9 * mean);
  assert.equal(g.accuracy, g.preds.filter((p, i) => p === labels[i]).length / n);
  assert.deepEqual(
    goldenPool(g),
    g.indices.filter((_, i) => g.preds[i] === labels[i] && g.top2diff[i]! > 0),
  );
  assert.deepEqual(g.dataset, { name: 'random', split: 'test' });
  assert.deepEqual(readGolden(out), g);
});

test('a golden pass removes the temp files a killed one left (dead pids only), and no others', async () => {
  const clf = await loadClassifier(residualNet());
  const images = imageSetFromArrays({
    images: randomImages(4, 8, 2),
    labels: [0, 1, 2, 3],
    shape: clf.input.shape,
    name: 'r',
  });
  const dir = tempDir('golden-temps');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = [`golden-activations.bin.tmp-${dead}`, `golden.json.tmp-${dead}`];
  const kept = [`golden-activations.bin.tmp-${process.ppid}`, `train.jsonl.tmp-${dead}`];
  for (const f of [...stale, ...kept]) writeFileSync(join(dir, f), 'x');
  await goldenRun({ classifier: clf, images, out: join(dir, 'golden.json'), quiet: true });
  assert.deepEqual(readdirSync(dir).sort(), ['golden-activations.bin', 'golden.json', ...kept].sort());
});

test('a golden pass that fails part-way (a label the model cannot score) leaves no file and no temp file behind', async () => {
  const clf = await loadClassifier(residualNet());
  const n = 12;
  const images = imageSetFromArrays({
    images: randomImages(n, 8, 3),
    labels: Array.from({ length: n }, (_, i) => (i === 9 ? 10 : i % 10)),
    shape: [3, 8, 8],
    name: 'bad-label',
  });
  const dir = tempDir('golden-fail');
  await assert.rejects(
    goldenRun({ classifier: clf, images, batchSize: 4, runBytes: 1, out: join(dir, 'golden.json'), quiet: true }),
    /^TgrError: bad-label: image 9 has label 10, but \S+ scores 10 classes$/,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('a batch split over several runs (runBytes) gives the same golden.json and activations as one run per batch', async () => {
  const clf = await loadClassifier(residualNet());
  const n = 61;
  const images = imageSetFromArrays({
    images: randomImages(n, 8, 5),
    labels: Array.from({ length: n }, (_, i) => i % 10),
    shape: [3, 8, 8],
    name: 'random',
  });
  const [one, split] = [tempDir('golden-one'), tempDir('golden-split')];
  const a = await goldenRun({ classifier: clf, images, batchSize: 30, out: join(one, 'golden.json'), quiet: true });
  const b = await goldenRun({
    classifier: clf,
    images,
    batchSize: 30,
    runBytes: 1,
    out: join(split, 'golden.json'),
    quiet: true,
  });
  assert.deepEqual(b, a);
  for (const f of ['golden.json', 'golden-activations.bin'])
    assert.ok(readFileSync(join(one, f)).equals(readFileSync(join(split, f))), f);
});

test('imagesPerRun: as many images as keep the layer outputs and kept tensors within the budget, 1 to batchSize', () => {
  const clf = { layers: [{ neurons: 100 }, { neurons: 28 }] } as unknown as Parameters<typeof imagesPerRun>[0];
  const small = [{ size: 22 }];
  assert.equal(imagesPerRun(clf, small, 128, 4 * 150 * 10), 10);
  assert.equal(imagesPerRun(clf, small, 128, 4 * 150 * 10 - 1), 9);
  assert.equal(imagesPerRun(clf, small, 8, 4 * 150 * 10), 8);
  assert.equal(imagesPerRun(clf, small, 128, 1), 1);
});

/** Seeded images for a residual net whose layer outputs (8×40×40 and 16×20×20 values) are too big to keep. */
function bigLayers(n: number, pixels = randomImages(n, 40, 9)) {
  return imageSetFromArrays({
    images: pixels,
    labels: Array.from({ length: n }, (_, i) => i % 10),
    shape: [3, 40, 40],
    name: 'random',
  });
}

/** The golden run of `images` with each profile, written to folders of their own. */
async function bothProfiles(clf: Awaited<ReturnType<typeof loadClassifier>>, images: ReturnType<typeof bigLayers>) {
  const dirs = { graph: tempDir('golden-graph'), js: tempDir('golden-js') };
  const run = (profile: 'graph' | 'js') =>
    goldenRun({
      classifier: clf,
      images,
      batchSize: 10,
      profile,
      out: join(dirs[profile], 'golden.json'),
      quiet: true,
    });
  return { graph: await run('graph'), js: await run('js'), dirs };
}

test("profile 'graph' gives profile 'js''s golden run and activations, but in-graph layers' meanAbs to float64 rounding", async () => {
  const clf = await loadClassifier(residualNet({ size: 40, width: 8 }));
  const { graph, js, dirs } = await bothProfiles(clf, bigLayers(23));
  // Only the layers above the kept tensors' size are reduced in the graph; the fc's output is kept and reduced in JS.
  assert.deepEqual(
    js.layers.map((l) => l.neurons > 4096),
    [true, true, true, true, true, true, false],
  );
  assert.deepEqual(
    graph.layers.map((l) => l.maxAbs),
    js.layers.map((l) => l.maxAbs),
  );
  js.layers.forEach((l, i) => {
    const d = Math.abs(graph.layers[i]!.meanAbs - l.meanAbs);
    assert.ok(
      l.neurons > 4096 ? d <= 1e-14 * l.meanAbs : d === 0,
      `${l.name}: ${graph.layers[i]!.meanAbs} vs ${l.meanAbs}`,
    );
  });
  const strip = (g: typeof js) => ({ ...g, layers: g.layers.map((l) => ({ ...l, meanAbs: 0 })) });
  assert.deepEqual(strip(graph), strip(js));
  const bin = 'golden-activations.bin';
  assert.ok(readFileSync(join(dirs.graph, bin)).equals(readFileSync(join(dirs.js, bin))));
});

test("profile 'graph': a batch split over several runs gives the same golden.json as whole batches (per-image reductions)", async () => {
  const clf = await loadClassifier(residualNet({ size: 40, width: 8 }));
  const images = bigLayers(23);
  const [one, split] = [tempDir('golden-g-one'), tempDir('golden-g-split')];
  const run = (dir: string, runBytes?: number) =>
    goldenRun({ classifier: clf, images, batchSize: 10, runBytes, out: join(dir, 'golden.json'), quiet: true });
  assert.deepEqual(await run(split, 1), await run(one, Number.MAX_SAFE_INTEGER));
  for (const f of ['golden.json', 'golden-activations.bin'])
    assert.ok(readFileSync(join(one, f)).equals(readFileSync(join(split, f))), f);
});

test("profile 'graph': images whose layer outputs hold ±Inf or NaN are profiled from their values, as profile 'js' does", async () => {
  const clf = await loadClassifier(residualNet({ size: 40, width: 8 }));
  const n = 12;
  const pixels = randomImages(n, 40, 9);
  // Image 4 overflows the first conv to ±Inf and NaN (Inf − Inf); image 9 has one huge pixel only.
  pixels.fill(3e38, 4 * 4800, 5 * 4800);
  pixels[9 * 4800 + 2000] = 3e38;
  const { graph, js } = await bothProfiles(clf, bigLayers(n, pixels));
  assert.deepEqual(
    graph.layers.map((l) => l.maxAbs),
    js.layers.map((l) => l.maxAbs),
  );
  const conv1 = graph.layers[0]!;
  assert.ok(Number.isFinite(conv1.maxAbs) && conv1.maxAbs > 1, `${conv1.maxAbs}`);
  assert.ok(graph.layers.every((l) => !Number.isFinite(l.meanAbs)));
  js.layers.forEach((l, i) => {
    const g = graph.layers[i]!.meanAbs;
    assert.ok(
      Number.isFinite(l.meanAbs) ? Math.abs(g - l.meanAbs) <= 1e-14 * l.meanAbs : Object.is(g, l.meanAbs),
      l.name,
    );
  });
  assert.deepEqual(graph.preds, js.preds);
});

test('golden-activations.bin holds keptTensors by default, or the tensors `keep` names, rows in image order', async () => {
  const clf = await loadClassifier(residualNet());
  const n = 5;
  const x = randomImages(n, 8, 12);
  const images = imageSetFromArrays({ images: x, labels: new Array<number>(n).fill(0), shape: [3, 8, 8] });
  const s = await Session.create(withOutputs(clf.model, ['flatten', 'layer2.0.conv1']));
  const r = await s.run({ input: { dtype: 'float32', dims: [n, 3, 8, 8], data: x } });
  await s.release();
  for (const [keep, want] of [
    [undefined, ['logits:10', 'fc:10', 'flatten:8']],
    [
      ['layer2.0.conv1', 'logits'],
      ['layer2.0.conv1:128', 'logits:10'],
    ],
  ] as const) {
    const out = join(tempDir('golden-keep'), 'golden.json');
    const g = await goldenRun({ classifier: clf, images, out, quiet: true, keep });
    assert.deepEqual(
      g.activations!.tensors.map((t) => `${t.name}:${t.size}`),
      want,
    );
    const kept = readGoldenActivations(out, g);
    assert.deepEqual(
      [...kept.keys()],
      g.activations!.tensors.map((t) => t.name),
    );
    // Rows as a session exposing the same tensors gives them, to rounding: another graph may fuse another way.
    const t = keep ? 'layer2.0.conv1' : 'flatten';
    for (const name of ['logits', t]) {
      const want = r[name]!.data as Float32Array;
      const got = kept.get(name)!.data;
      assert.equal(got.length, want.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!)), `${name}[${i}]`));
    }
  }
});
