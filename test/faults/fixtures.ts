/** Shared set-up for the fault tests: a classifier, seeded images labelled with its own predictions, the golden run. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../../src/onnx/types.js';
import { loadClassifier, type Classifier } from '../../src/faults/model/classifier.js';
import { goldenRun } from '../../src/faults/run/golden.js';
import { imageSetFromArrays, type ImageSet } from '../../src/faults/run/images.js';
import type { GoldenRun } from '../../src/faults/store/records.js';
import { randomImages } from './nets.js';

export interface Fixture {
  classifier: Classifier;
  images: ImageSet;
  golden: GoldenRun;
}

/** `n` seeded images labelled with the model's predictions, so every image is in the pool (Top2Diff > 0). */
export async function fixture(model: Model, n = 24, seed = 3): Promise<Fixture> {
  const classifier = await loadClassifier(model);
  const shape = classifier.input.shape;
  const pixels = randomImages(n, shape[1], seed);
  const unlabelled = imageSetFromArrays({
    images: pixels,
    labels: new Array<number>(n).fill(0),
    shape,
    name: 'random',
  });
  const first = await goldenRun({ classifier, images: unlabelled, quiet: true });
  const images = imageSetFromArrays({ images: pixels, labels: first.preds, shape, name: 'random' });
  return { classifier, images, golden: await goldenRun({ classifier, images, quiet: true }) };
}

/** A fresh temporary directory. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `tgr-${label}-`));
}
