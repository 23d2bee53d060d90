import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../../../src/engine/session.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { goldenPool, goldenRun, imagesPerRun, readGolden } from '../../../src/faults/run/golden.js';
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

test('a batch split over several runs (exposedBytes) gives the same golden.json and activations as one run per batch', async () => {
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
    exposedBytes: 1,
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
