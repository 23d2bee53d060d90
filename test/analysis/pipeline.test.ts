import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../src/analysis/analyse.js';
import { openDataset } from '../../src/data/registry.js';
import { injectCampaign } from '../../src/faults/campaign.js';
import { imageSetFromDataset } from '../../src/faults/run/images.js';
import { saveModel } from '../../src/onnx/proto-io.js';
import { reportIds, renderReport } from '../../src/report/page.js';
import { tempDir, tinyCnn } from './fixtures.js';

test('analysis reads what the real campaign runner writes: golden.json, plan, faults.jsonl, summary.json', async (t) => {
  const root = tempDir('pipeline');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ds = await openDataset('synthetic', { imageSize: 8 });
  const runs = { baseline: join(root, 'base'), textGuided: join(root, 'tg') };
  for (const [key, head] of [
    ['baseline', 'fc'],
    ['textGuided', 'head.projection'],
  ] as const) {
    const dir = runs[key];
    mkdirSync(dir, { recursive: true });
    saveModel(tinyCnn(head, 1, ds.classNames.length), join(dir, 'model.onnx'));
    writeFileSync(
      join(dir, 'meta.json'),
      JSON.stringify({
        dataset: 'synthetic',
        backbone: 'tiny',
        head: key === 'baseline' ? 'linear' : 'text-guided',
        inputShape: [1, 8, 8],
        seed: 1,
      }),
    );
    const images = imageSetFromDataset(ds, 'test');
    await injectCampaign({
      model: join(dir, 'model.onnx'),
      images,
      runDir: dir,
      perLayer: 24,
      limit: 24,
      seed: 5,
      quiet: true,
      threads: 1,
    });
    await images.close?.();
  }
  const a = await analyse({ ...runs, bootstrap: { resamples: 100 }, cam: { count: 1, flips: 10, bits: [0, 1] } });
  const f = a.comparison.formats[0]!;
  assert.equal(f.format, 'fp32');
  assert.equal(f.baseline.source, 'summary.json'); // the campaign's stored tallies; the records give the bit cells
  assert.deepEqual(
    f.baseline.layers.map((l) => [l.layer, l.injections]),
    [
      ['conv1', 24],
      ['conv2', 24],
      ['fc', 24],
    ],
  );
  assert.ok(f.baseline.bits!.length > 0 && f.baseline.bits!.every((c) => c.bit >= 0 && c.bit < 32));
  assert.equal(a.settings.campaigns[0]!.perLayer, 24);
  assert.equal(a.comparison.baseline.images, 24);
  assert.equal(a.cam!.images.length, 1); // loaded from the dataset at the model's 8×8, normalised as trained
  const html = renderReport([a]);
  for (const id of [...reportIds([a]).figures, ...reportIds([a]).tables]) assert.ok(html.includes(` id="${id}"`), id);
});
