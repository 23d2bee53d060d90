import { TgrError } from '../core/errors.js';
import type { HeadKind } from './heads.js';
import { buildModel } from './registry.js';
import { countModel } from './count.js';

/** Parameters and MACs (per image) of one model. */
export interface Cost {
  params: number;
  macs: number;
}

/** One backbone's costs with each head (Table 1's columns 4–5 are their difference), or why it cannot be built. */
export type HeadComparison =
  { backbone: string; linear: Cost; textGuided: Cost } | { backbone: string; unavailable: string };

/** Input layouts of the datasets whose Table-1-style costs `tgr models` reports. */
export const datasetLayouts = {
  imagenet: { inputShape: [3, 224, 224], numClasses: 1000 },
  cifar10: { inputShape: [3, 32, 32], numClasses: 10 },
  'fashion-mnist': { inputShape: [1, 28, 28], numClasses: 10 },
} satisfies Record<string, { inputShape: [number, number, number]; numClasses: number }>;

/** Costs of `backbone` with both heads, from shapes-only builds; an input too small for it is reported, not thrown. */
export function compareHeads(
  backbone: string,
  inputShape: [number, number, number],
  numClasses: number,
  embedDim: number,
): HeadComparison {
  const cost = (head: HeadKind): Cost => {
    const { params, macs } = countModel(
      buildModel({ backbone, head, inputShape, numClasses, embedDim }, { shapesOnly: true }),
    );
    return { params, macs };
  };
  try {
    return { backbone, linear: cost('linear'), textGuided: cost('text-guided') };
  } catch (e) {
    if (e instanceof TgrError && e.code === 'bad_argument') return { backbone, unavailable: e.message };
    throw e;
  }
}
