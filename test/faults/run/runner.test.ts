import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TgrError } from '../../../src/core/errors.js';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { goldenRun } from '../../../src/faults/run/golden.js';
import { imageSetFromArrays } from '../../../src/faults/run/images.js';
import { runCampaign } from '../../../src/faults/run/runner.js';
import { readRecords } from '../../../src/faults/store/store.js';
import { tempDir } from '../fixtures.js';
import { tinyClassifier, tinyImages } from './tiny-net.js';

/** The tiny net, its three images labelled with its own predictions, and a plan of 6 sites per layer. */
async function setUp() {
  const { clf } = await tinyClassifier();
  const first = await goldenRun({ classifier: clf, images: tinyImages, quiet: true });
  const images = imageSetFromArrays({
    images: await tinyImages.pixels([0, 1, 2]),
    labels: first.preds,
    shape: [1, 2, 2],
  });
  const golden = await goldenRun({ classifier: clf, images, quiet: true });
  const plan = planCampaign({ classifier: clf, golden, perLayer: 6, seed: 5 });
  return { clf, images, golden, plan };
}

test('runCampaign writes one record per site, reports every site’s path, and a rerun resumes them all', async () => {
  const { clf, images, golden, plan } = await setUp();
  const dir = tempDir('runner');
  const seen = new Map<number, string>();
  const o = { classifier: clf, golden, plan, images, dir, quiet: true, threads: 1 };
  const r = await runCampaign({ ...o, onScores: (id, _s, path) => seen.set(id, path) });
  const sites = plan.sites.layer.length;
  assert.deepEqual(
    plan.layers.map((l) => l.name),
    ['conv', 'fc'],
  );
  assert.equal(sites, 12);
  assert.equal(r.file, join(dir, 'faults.jsonl'));
  assert.deepEqual([r.sites, r.resumed], [sites, 0]);
  assert.equal(
    Object.values(r.paths).reduce((a, b) => a + b, 0),
    sites,
  );
  const records = readRecords(r.file);
  assert.deepEqual(
    records.map((x) => x.id).sort((a, b) => a - b),
    [...seen.keys()].sort((a, b) => a - b),
  );
  assert.equal(records.length, sites);
  const again = await runCampaign(o);
  assert.deepEqual([again.sites, again.resumed], [sites, sites]);
  assert.deepEqual(again.paths, { masked: 0, analytic: 0, suffix: 0, plain: 0 });
  assert.equal(readRecords(r.file).length, sites);
});

test('runCampaign refuses a plan made for another model, naming the plan file', async () => {
  const { clf, images, golden, plan } = await setUp();
  const dir = tempDir('runner-other');
  const other = { ...plan, model: { ...plan.model, sha256: '0'.repeat(64) } };
  await assert.rejects(
    runCampaign({ classifier: clf, golden, plan: other, images, dir, quiet: true }),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'bad_plan' &&
      e.message ===
        `${join(dir, 'plan.json')} was made for a model with sha256 000000000000…, but ${clf.file} has ${clf.sha256.slice(0, 12)}… — re-plan with 'tgr plan'`,
  );
});
