/**
 * The pipeline's heavy stages as data a worker thread can receive: which library call, with which options. Each
 * kind of job is one row of `jobKinds`; what cannot cross a thread (an open dataset) is named, and opened there.
 */
import { openDataset } from '../data/registry.js';
import type { SplitName } from '../data/dataset.js';
import { injectCampaign, prepareGolden } from '../faults/campaign.js';
import type { CampaignOptions } from '../faults/campaign-options.js';
import { emulatedModelFor } from '../faults/run/emulate.js';
import { imageSetFromDataset, type ImageSet } from '../faults/run/images.js';
import { train } from '../train/train.js';
import type { TrainOptions } from '../train/options.js';

/** A dataset split by name, as the worker reopens it. */
export interface ImageSource {
  dataset: string;
  dataDir?: string;
  seed: number;
  split: SplitName;
}

/**
 * A model emulated in a format: `model` (in `runDir`, whose fp32 golden.json is made here when missing) written to
 * `out` with every layer output held in `format`; the golden ranges set int scales, the images per-channel ones.
 */
export interface EmulateJob {
  model: string;
  runDir: string;
  format: string;
  out: string;
  limit?: number;
  threads?: number;
  quiet?: boolean;
}

/** One stage's work. */
export type StageJob =
  | { kind: 'train'; options: TrainOptions }
  | { kind: 'inject'; options: Omit<CampaignOptions, 'images'>; images: ImageSource }
  | { kind: 'emulate'; options: EmulateJob; images: ImageSource };

/** Runs `use` on the source's images, closing them after. */
async function withImages(s: ImageSource, use: (images: ImageSet) => Promise<unknown>): Promise<void> {
  const ds = await openDataset(s.dataset, { dataDir: s.dataDir, seed: s.seed });
  const images = imageSetFromDataset(ds, s.split);
  try {
    await use(images);
  } finally {
    await images.close?.();
  }
}

type JobOf<K extends StageJob['kind']> = Extract<StageJob, { kind: K }>;

const jobKinds: { [K in StageJob['kind']]: (job: JobOf<K>) => Promise<void> } = {
  train: async (job) => {
    await train(job.options);
  },
  inject: (job) => withImages(job.images, (images) => injectCampaign({ ...job.options, images })),
  emulate: (job) =>
    withImages(job.images, async (images) => {
      const { model, runDir, format, out, limit, threads, quiet } = job.options;
      const { golden } = await prepareGolden({ model, images, runDir, limit, threads, quiet });
      await emulatedModelFor(model, format, out, { golden, images, threads, quiet });
    }),
};

/** Does the job on this thread. */
export function runStageJob(job: StageJob): Promise<void> {
  return (jobKinds[job.kind] as (j: StageJob) => Promise<void>)(job);
}
