/**
 * A generated dataset for tests and examples: each class is a named geometric pattern (stripes, ring, cross…) with
 * random contrast, brightness and noise per image, so a tiny model learns it in a few steps. Deterministic from the
 * seed.
 */
import { Rng } from '../core/rng.js';
import { TgrError } from '../core/errors.js';
import type { Dataset, ImageShape, MemorySplit } from './dataset.js';
import { imageSize } from './dataset.js';
import type { DatasetSource } from './source.js';
import { channelStats } from './stats.js';

type Pattern = (y: number, x: number, n: number) => number;

// Values in [0, 1] on an n×n grid. Patterns are not shifted: a 1-pixel shift turns 2-pixel stripes into their
// complement and would make classes overlap for the linear models tests train.
const patterns: Record<string, Pattern> = {
  'horizontal stripes': (y) => (y >> 1) & 1,
  'vertical stripes': (_y, x) => (x >> 1) & 1,
  checkerboard: (y, x) => ((y >> 1) + (x >> 1)) & 1,
  ring: (y, x, n) => (Math.abs(Math.hypot(y - n / 2, x - n / 2) - n / 3) < 1.5 ? 1 : 0),
  dot: (y, x, n) => (Math.hypot(y - n / 2, x - n / 2) < n / 5 ? 1 : 0),
  cross: (y, x, n) => (Math.abs(y - n / 2) < 1.5 || Math.abs(x - n / 2) < 1.5 ? 1 : 0),
  frame: (y, x, n) => (Math.min(y, x, n - 1 - y, n - 1 - x) < 2 ? 1 : 0),
  diagonal: (y, x) => ((x + y) >> 1) & 1,
  'left-right gradient': (_y, x, n) => x / (n - 1),
  'top-bottom gradient': (y, _x, n) => y / (n - 1),
};

/** The class names, in label order. */
export const syntheticClassNames = Object.keys(patterns);

export interface SyntheticOptions {
  seed?: number;
  /** Number of classes, 2..10 (default 4). */
  classes?: number;
  /** 1 (grey) or 3 (colour; each class also gets a tint). Default 1. */
  channels?: 1 | 3;
  /** Image side, at least 8 (default 16). */
  size?: number;
  trainPerClass?: number;
  testPerClass?: number;
}

/** Generates the synthetic dataset. */
export function makeSynthetic(opts: SyntheticOptions = {}): Dataset {
  const { seed = 0, classes = 4, channels = 1, size = 16, trainPerClass = 64, testPerClass = 16 } = opts;
  if (!(classes >= 2 && classes <= syntheticClassNames.length) || !(size >= 8)) {
    throw new TgrError(
      'bad_argument',
      `synthetic: classes must be 2..${syntheticClassNames.length} and size ≥ 8; got classes=${classes}, size=${size}`,
    );
  }
  const shape: ImageShape = [channels, size, size];
  const classNames = syntheticClassNames.slice(0, classes);
  const rng = new Rng(seed);
  const train = generate(shape, classNames, trainPerClass, rng.fork('train'));
  const test = generate(shape, classNames, testPerClass, rng.fork('test'));
  return {
    name: 'synthetic',
    classNames,
    shape,
    splits: { train, test },
    stats: channelStats(train.pixels, shape),
    augment: { padCrop: 0, flip: false },
    source: `generated (seed ${seed})`,
  };
}

/** Images interleaved by class (0,1,2,…,0,1,2,…) so any prefix is balanced. */
function generate(shape: ImageShape, classNames: string[], perClass: number, rng: Rng): MemorySplit {
  const [c, n] = shape;
  const size = perClass * classNames.length;
  const pixels = new Uint8Array(size * imageSize(shape));
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const label = i % classNames.length;
    labels[i] = label;
    const pattern = patterns[classNames[label]!]!;
    const contrast = 0.6 + 0.3 * rng.next();
    const brightness = 0.1 + 0.2 * rng.next();
    for (let ch = 0; ch < c; ch++) {
      const tint = c === 1 ? 1 : 0.6 + 0.4 * (((label + ch) % 3) / 2);
      const base = (i * c + ch) * n * n;
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const v = 255 * (brightness + contrast * tint * pattern(y, x, n) * 0.75) + 12 * rng.normal();
          pixels[base + y * n + x] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
  }
  return { kind: 'memory', size, pixels, labels, source: 'synthetic' };
}

/** Registry entry: the default synthetic dataset, sized by --image-size and seeded by --seed. */
export const synthetic: DatasetSource = {
  summary:
    'synthetic: generated patterns with named classes (stripes, ring, cross…), for tests; deterministic from --seed',
  async open(opts) {
    return makeSynthetic({ seed: opts.seed, size: opts.imageSize });
  },
};
