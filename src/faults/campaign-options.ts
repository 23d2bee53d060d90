import type { ImageSet } from './run/images.js';
import type { Classifier } from './model/classifier.js';
import type { PlanOptions, PlanSettings } from './plan/plan.js';
import type { Shard } from './plan/shard.js';
import type { GoldenRun } from './store/records.js';

/** Settings of one campaign over a run directory (runs/NAME: model.onnx, golden.json, campaign/…). */
export interface CampaignOptions extends PlanSettings {
  /** The .onnx classifier. */
  model: string;
  images: ImageSet;
  /** Run directory: golden.json and campaign/NAME/ go here. */
  runDir: string;
  /** Campaign folder name under campaign/ (default: the format). */
  name?: string;
  /** Golden pass over `limit` images spread evenly over the split (default all). */
  limit?: number;
  inputShape?: number[];
  shard?: Shard;
  /** Critical-fault thresholds τ of the summary (metrics.ts; default 0.1, 1, 10). */
  tau?: number[];
  threads?: number;
  quiet?: boolean;
}

/** The planner's options for a campaign's settings (its pilot, if any, aside). */
export function planSettings(o: CampaignOptions, classifier: Classifier, golden: GoldenRun): PlanOptions {
  return {
    classifier,
    golden,
    perLayer: o.perLayer,
    layers: o.layers,
    format: o.format,
    errorModel: o.errorModel,
    target: o.target,
    seed: o.seed,
    rangeDetector: o.rangeDetector,
    guard: o.guard,
    batchSize: o.batchSize,
    stratify: o.stratify,
    allocation: o.allocation,
  };
}
