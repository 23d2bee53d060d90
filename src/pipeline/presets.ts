import { lookup } from '../core/errors.js';

/** Which campaigns run with GoldenEye's range detector: folder `F` without it, `F-rd` with it (contract F). */
export type RangeDetectorSetting = 'off' | 'on' | 'both';

/** Everything `tgr reproduce` does, as data: a preset is one entry; flags override its fields. */
export interface ReproducePreset {
  summary: string;
  dataset: string;
  backbone: string;
  /** Training recipe (src/train/recipes.ts) and overrides; the baseline and text-guided model share them. */
  recipe: string;
  epochs?: number;
  limitTrain?: number;
  /** Test images evaluated by the golden runs (the campaigns' image pool is drawn from the correct ones). */
  limitTest?: number;
  /** Description source (src/text/descriptions/registry.ts) for the text-guided projection. */
  source: string;
  /** A CuPL-format JSON file of descriptions (source `cupl`); unset for the other sources. */
  descriptionsFile?: string;
  /** Text encoder of the descriptions (src/text/encoders/registry.ts). */
  encoder: string;
  /** A precomputed C×E matrix (.pth/.npy/.safetensors/.json) used instead of descriptions + encoder. */
  classEmbeddings?: string;
  /** Names of the matrix's rows, in order (JSON array or one per line), when the file carries none. */
  classNames?: string;
  /** The matrix row of each dataset class, in class order: a row index or a row name; default match by class name. */
  classRows?: string[];
  /** Injections per layer and number formats of the activation campaigns. */
  perLayer: number;
  formats: string[];
  rangeDetector: RangeDetectorSetting;
  /** Campaigns `F-guard` too: the analytic guard on text-guided heads, the profiled one on the baseline. */
  guard: boolean;
  /** Sampling of sites: uniform, or one stratum per bit position (contract B). */
  stratify: 'none' | 'bit';
  /** Critical-fault thresholds τ of P(ΔLoss > τ). */
  tau: number[];
  /** Text-guided runs with other projection initialisations (paper Table 3). */
  ablation: boolean;
  /** Images shown with Ablation-CAM (paper Fig. 2); 0 for none. */
  camImages: number;
  seed: number;
}

/**
 * The presets by name. `quick` fits in a few minutes on 2 cores; `full` is the paper's protocol at this data's scale.
 */
export const presets: Record<string, ReproducePreset> = {
  quick: {
    summary:
      'Fashion-MNIST, ResNet-20, 2 short epochs on 12k images, WordNet + GloVe, 256 fp32 injections per layer, detector off/on, guard',
    dataset: 'fashion-mnist',
    backbone: 'resnet20',
    recipe: 'fashion-quick',
    epochs: 2,
    limitTrain: 12000,
    limitTest: 2000,
    source: 'wordnet',
    encoder: 'glove',
    perLayer: 256,
    formats: ['fp32'],
    rangeDetector: 'both',
    guard: true,
    stratify: 'none',
    tau: [0.1, 1, 10],
    ablation: false,
    camImages: 3,
    seed: 0,
  },
  full: {
    summary:
      "Fashion-MNIST, ResNet-20, 5 epochs on all 60k images, WordNet + GloVe, 4096 bit-stratified injections per layer (the paper's n) in fp32, then fp16, bf16 and FP8 E4M3 each on the whole network emulated in it, detector off/on, guard, init ablation (fp32)",
    dataset: 'fashion-mnist',
    backbone: 'resnet20',
    recipe: 'fashion-quick',
    // Both heads pass 91% from the fourth epoch (bench/RESULTS.md); the recipe's 10 would double the hour of training.
    epochs: 5,
    limitTest: 10000,
    source: 'wordnet',
    encoder: 'glove',
    perLayer: 4096,
    formats: ['fp32', 'fp16', 'bf16', 'fp8-e4m3'],
    rangeDetector: 'both',
    guard: true,
    stratify: 'bit',
    tau: [0.1, 1, 10],
    ablation: true,
    camImages: 6,
    seed: 0,
  },
};

/** The preset of that name; a miss lists the presets. */
export function getPreset(name: string): ReproducePreset {
  return lookup(presets, name, 'preset (--preset)');
}
