import { check } from '../../core/errors.js';
import { createLoader } from '../../data/loader.js';
import { openDataset } from '../../data/registry.js';
import type { SplitName } from '../../data/dataset.js';
import type { OpenOptions } from '../../data/source.js';
import type { RunDir } from '../run-dir.js';
import type { CamInput } from './cam-figure.js';

/**
 * Picks `count` test images for Fig. 2 — the first, in golden-run order, that both models classify correctly, so the
 * "before" maps show what each model looks at when it is right — and loads them as model inputs with the
 * normalisation the model was trained with (meta.json), else the dataset's own.
 */
export async function loadCamImages(
  baseline: RunDir,
  textGuided: RunDir,
  count: number,
  opts: OpenOptions = {},
): Promise<CamInput[]> {
  const b = baseline.golden;
  const t = textGuided.golden;
  const picks: { index: number; label: number }[] = [];
  for (let i = 0; i < b.indices.length && picks.length < count; i++) {
    if (b.preds[i] === b.labels[i] && t.preds[i] === t.labels[i])
      picks.push({ index: b.indices[i]!, label: b.labels[i]! });
  }
  if (picks.length === 0) return [];
  const split = b.dataset.split;
  check(
    split === 'train' || split === 'test',
    'bad_file',
    () => `${baseline.dir}/golden.json: split '${split}' is not train or test; re-run the golden run`,
  );
  // Image folders and the synthetic set are drawn at a chosen side: the one the model was trained at (meta.json).
  const side = textGuided.meta.inputShape?.[1];
  const ds = await openDataset(b.dataset.name, { ...(side ? { imageSize: side } : {}), ...opts });
  const stats = textGuided.meta.normalization;
  const loader = createLoader(ds, split as SplitName, { batchSize: 1, shuffle: false, normalize: stats ?? 'dataset' });
  try {
    const out: CamInput[] = [];
    for (const p of picks) {
      const batch = await loader.batch([p.index], `cam/${p.index}`);
      out.push({ ...p, tensor: { dtype: 'float32', dims: [...batch.dims], data: batch.x } });
    }
    return out;
  } finally {
    await loader.close();
  }
}
