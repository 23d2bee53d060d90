import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSettings, type CampaignOptions } from '../../src/faults/campaign-options.js';
import type { Classifier } from '../../src/faults/model/classifier.js';
import type { GoldenRun } from '../../src/faults/store/records.js';

const classifier = { file: 'm.onnx' } as unknown as Classifier;
const golden = { images: 3 } as unknown as GoldenRun;

/** What the planner takes, each with a value of its own. */
const settings = {
  perLayer: 256,
  layers: ['conv1'],
  format: 'fp16',
  errorModel: 'stuck-at-1',
  target: 'weights',
  seed: 7,
  rangeDetector: true,
  guard: 'analytic',
  batchSize: 16,
  stratify: 'bit',
  allocation: 'neyman',
} as const;

/** Every field a campaign can carry: the planner's, the run's and the rounds'. */
const options: CampaignOptions = {
  ...settings,
  layers: [...settings.layers],
  model: 'runs/a/model.onnx',
  images: {} as CampaignOptions['images'],
  runDir: 'runs/a',
  name: 'fp16-rd',
  limit: 10,
  inputShape: [1, 3, 32, 32],
  shard: { index: 0, count: 2 },
  tau: [1],
  threads: 2,
  quiet: true,
  pilot: 64,
  halfwidth: 0.01,
  maxRounds: 3,
};

test('planSettings passes the planner its settings and the run’s model, and nothing of the run or the rounds', () => {
  const passed = planSettings(options, classifier, golden);
  assert.deepEqual(passed, { classifier, golden, ...settings });
  assert.deepEqual(Object.keys(passed).sort(), ['classifier', 'golden', ...Object.keys(settings)].sort());
  const minimal = planSettings({ model: 'm', images: options.images, runDir: 'r', perLayer: 4 }, classifier, golden);
  assert.equal(minimal.perLayer, 4);
  assert.equal(minimal.classifier, classifier);
  assert.equal(minimal.format, undefined);
});
