import { lookup } from '../core/errors.js';

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
  /** Description source and text encoder for the text-guided projection. */
  descriptions: string;
  encoder: string;
  /** Injections per layer and number formats of the activation campaigns. */
  perLayer: number;
  formats: string[];
  rangeDetector: boolean;
  /** Text-guided runs with other projection initialisations (paper Table 3). */
  ablation: boolean;
  /** Images shown with Ablation-CAM (paper Fig. 2); 0 for none. */
  camImages: number;
  seed: number;
}

/** The presets by name. `quick` fits in ~15 minutes on 2 cores; `full` is the paper's protocol at this data's scale. */
export const presets: Record<string, ReproducePreset> = {
  quick: {
    summary: 'Fashion-MNIST, ResNet-20, 2 short epochs on 12k images, WordNet + GloVe, 256 fp32 injections per layer',
    dataset: 'fashion-mnist',
    backbone: 'resnet20',
    recipe: 'fashion-quick',
    epochs: 2,
    limitTrain: 12000,
    limitTest: 2000,
    descriptions: 'wordnet',
    encoder: 'glove',
    perLayer: 256,
    formats: ['fp32'],
    rangeDetector: false,
    ablation: false,
    camImages: 3,
    seed: 0,
  },
  full: {
    summary:
      "Fashion-MNIST, ResNet-20, the full 10-epoch recipe, WordNet + GloVe, 4096 injections per layer (the paper's n) in fp32 and fp16, init ablation",
    dataset: 'fashion-mnist',
    backbone: 'resnet20',
    recipe: 'fashion-quick',
    limitTest: 10000,
    descriptions: 'wordnet',
    encoder: 'glove',
    perLayer: 4096,
    formats: ['fp32', 'fp16'],
    rangeDetector: false,
    ablation: true,
    camImages: 6,
    seed: 0,
  },
};

/** The preset of that name; a miss lists the presets. */
export function getPreset(name: string): ReproducePreset {
  return lookup(presets, name, 'preset (--preset)');
}
