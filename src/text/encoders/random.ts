import { maxSeed } from '../../core/option-spec.js';
import { Rng } from '../../core/rng.js';
import { check } from '../../core/errors.js';
import { normalizeRows } from '../matrix.js';
import type { EncoderFactory } from './types.js';

export interface RandomOptions {
  seed?: number;
  /** Row length E; default 512 (CLIP ViT-B/32's). */
  dim?: number;
}

/** `random`: seeded Gaussian rows, normalised (the paper's "random" projection initialisation, Table 3). */
export const random: EncoderFactory<RandomOptions> = {
  name: 'random',
  summary: 'seeded Gaussian unit rows, one per class (the paper\'s "random" ablation); --seed, --dim',
  options: {
    seed: { flag: 'seed', arg: 'n', value: { kind: 'integer', min: 0, max: maxSeed }, help: 'seed', default: 0 },
    dim: {
      flag: 'dim',
      arg: 'n',
      value: { kind: 'integer', min: 1, max: 65_536 },
      help: 'row length E',
      default: 512,
    },
  },
  async create(o) {
    const seed = o.seed ?? 0;
    const dim = o.dim ?? 512;
    check(Number.isInteger(dim) && dim > 0, 'bad_argument', () => `--dim must be a positive integer, got ${dim}`);
    return {
      kind: 'classes',
      id: `random:seed=${seed}:dim=${dim}`,
      dim,
      async embedClasses(classNames) {
        const root = new Rng(seed);
        const m = { data: new Float32Array(classNames.length * dim), rows: classNames.length, cols: dim };
        // One stream per class name, so a class keeps its row whatever the order or number of classes.
        classNames.forEach((c, r) => {
          const rng = root.fork(c);
          for (let j = 0; j < dim; j++) m.data[r * dim + j] = rng.normal();
        });
        normalizeRows(m);
        return m;
      },
    };
  },
};
