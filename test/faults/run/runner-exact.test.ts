import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { PlainInjector } from '../../../src/faults/run/plain.js';
import { readRecords } from '../../../src/faults/store/store.js';
import { join } from 'node:path';
import { countForwards } from './forward-count.js';
import { goldenRun, readGoldenActivations } from '../../../src/faults/run/golden.js';
import { attentionNet, residualNet } from '../nets.js';
import { fixture, tempDir } from '../fixtures.js';
import { assertClose, checkAgainstPlain, sum } from '../plain-check.js';

test('ResNet-like net, neuron faults: runner equals the plain full-model computation; masked and logit shortcuts taken', async () => {
  const fx = await fixture(residualNet());
  for (const rd of [false, true]) {
    const paths = await checkAgainstPlain(fx, 'neurons', rd);
    assert.ok(sum(paths, 'masked') > 20, `masked shortcut taken (range detector ${rd})`);
    assert.equal(sum(paths, 'analytic', ['fc']), 24, 'every fc fault is analytic');
    assert.ok(sum(paths, 'suffix') > 20);
  }
});

test('ViT-like net, neuron faults: runner equals the plain path; rank-one latent and projection shortcuts taken', async () => {
  const fx = await fixture(attentionNet());
  const paths = await checkAgainstPlain(fx, 'neurons', false);
  assert.ok(
    sum(paths, 'analytic', ['head.latent']) >= 18,
    'latent faults are rank-one updates (overflowing ones run the suffix)',
  );
  assert.equal(sum(paths, 'analytic', ['head.projection']), 24);
  assert.ok(sum(paths, 'suffix') > 100);
  const checked = await checkAgainstPlain(fx, 'neurons', true);
  assert.equal(
    sum(checked, 'analytic', ['head.latent']),
    0,
    'with a detector on the projection the latent is not analytic',
  );
});

test('weight faults on both nets: runner equals rerunning the model with the weight changed', async () => {
  const res = await checkAgainstPlain(await fixture(residualNet(), 12), 'weights', false);
  assert.ok(sum(res, 'masked') > 0, 'a weight fault whose whole output plane dies at the ReLU is skipped');
  assert.ok(sum(res, 'analytic', ['fc']) >= 20, 'an fc weight moves one logit: analytic');
  const vit = await checkAgainstPlain(await fixture(attentionNet(), 12), 'weights', true);
  assert.ok(sum(vit, 'suffix') > 0);
});

test('last layers served from the activations the golden pass kept: no forward pass, same scores as the plain path', async () => {
  for (const net of [residualNet(), attentionNet()]) {
    const fx = await fixture(net, 12);
    const dir = tempDir('kept');
    const golden = await goldenRun({
      classifier: fx.classifier,
      images: fx.images,
      quiet: true,
      out: join(dir, 'golden.json'),
    });
    const activations = readGoldenActivations(join(dir, 'golden.json'), golden);
    assert.ok(fx.classifier.lastLayers.every((l) => activations.has(l)) && activations.has('logits'));
    const plan = planCampaign({
      classifier: fx.classifier,
      golden,
      perLayer: 30,
      layers: fx.classifier.lastLayers,
      seed: 2,
    });
    const scores = new Map<number, Float32Array>();
    const forwards = await countForwards(() =>
      runCampaign({
        ...fx,
        golden,
        plan,
        dir,
        quiet: true,
        activations,
        onScores: (id, s, path) => path === 'analytic' && scores.set(id, s.slice()),
      }),
    );
    assert.equal(forwards, 0, 'no forward pass (only a suffix for the few latent faults that overflow fp32)');
    assert.ok(scores.size >= 0.9 * plan.sites.layer.length, `analytic faults: ${scores.size}`);
    const K = fx.classifier.output.classes;
    for (const r of readRecords(join(dir, 'faults.jsonl')).filter((x) => scores.has(x.id))) {
      const plain = await PlainInjector.create(fx.classifier, fx.classifier.model, r.layer);
      const p = await plain.run(await fx.images.pixels([r.image]), [
        { index: Int32Array.of(r.index), value: Float32Array.of(r.faulty) },
      ]);
      await plain.release();
      assertClose(scores.get(r.id)!, p.subarray(0, K), `${r.layer} fault ${r.id}`);
    }
  }
});
