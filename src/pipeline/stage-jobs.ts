/**
 * The pipeline's heavy stages as data a worker thread can receive: which library call, with which options. Each
 * kind of job is one row of `jobKinds`; what cannot cross a thread (an open dataset) is named, and opened there.
 */
import { openDataset } from '../data/registry.js';
import type { SplitName } from '../data/dataset.js';
import { injectCampaign, type CampaignOptions } from '../faults/campaign.js';
import { imageSetFromDataset } from '../faults/run/images.js';
import { train } from '../train/train.js';
import type { TrainOptions } from '../train/options.js';

/** A dataset split by name, as the worker reopens it. */
export interface ImageSource {
  dataset: string;
  dataDir?: string;
  seed: number;
  split: SplitName;
}

/** One stage's work. */
export type StageJob =
  | { kind: 'train'; options: TrainOptions }
  | { kind: 'inject'; options: Omit<CampaignOptions, 'images'>; images: ImageSource };

type JobOf<K extends StageJob['kind']> = Extract<StageJob, { kind: K }>;

const jobKinds: { [K in StageJob['kind']]: (job: JobOf<K>) => Promise<void> } = {
  train: async (job) => {
    await train(job.options);
  },
  inject: async (job) => {
    const s = job.images;
    const ds = await openDataset(s.dataset, { dataDir: s.dataDir, seed: s.seed });
    const images = imageSetFromDataset(ds, s.split);
    try {
      await injectCampaign({ ...job.options, images });
    } finally {
      await images.close?.();
    }
  },
};

/** Does the job on this thread. */
export function runStageJob(job: StageJob): Promise<void> {
  return (jobKinds[job.kind] as (j: StageJob) => Promise<void>)(job);
}
