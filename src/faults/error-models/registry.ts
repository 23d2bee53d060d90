import { check, lookup } from '../../core/errors.js';
import { bitFlip } from './bit-flip.js';
import type { ErrorModel, ErrorModelFactory } from './model.js';
import { multiBitFlip } from './multi-bit-flip.js';
import { randomValue } from './random-value.js';
import { stuckAt } from './stuck-at.js';

export type { ErrorModel } from './model.js';

/** Wraps a model that takes no parameter, so `name:3` is refused rather than ignored. */
function fixed(model: ErrorModel): ErrorModelFactory {
  return (param) => {
    check(
      param === undefined,
      'bad_argument',
      () => `error model '${model.name}' takes no parameter; got '${model.name}:${param}' — write '${model.name}'`,
    );
    return model;
  };
}

/**
 * Every error model, by spec name; `name:k` passes a parameter (the bit count of multi-bit models, default 2).
 * Adding one: one file in error-models/ and one line here.
 */
export const errorModels: Readonly<Record<string, ErrorModelFactory>> = {
  'bit-flip': fixed(bitFlip),
  'multi-bit-adjacent': (k) => multiBitFlip(k ?? 2, 'adjacent'),
  'multi-bit-random': (k) => multiBitFlip(k ?? 2, 'random'),
  'stuck-at-0': fixed(stuckAt(0)),
  'stuck-at-1': fixed(stuckAt(1)),
  'random-value': fixed(randomValue),
};

/** The paper's model: a transient single-bit flip. */
export const defaultErrorModel = 'bit-flip';

/** Builds the model a spec names (`bit-flip`, `multi-bit-adjacent:3`); a miss lists the models that exist. */
export function errorModel(spec: string = defaultErrorModel): ErrorModel {
  const m = /^([a-z0-9-]+)(?::(\d+))?$/.exec(spec);
  check(
    m,
    'bad_argument',
    () => `error model '${spec}' is not NAME or NAME:K; choose one of: ${Object.keys(errorModels).join(', ')}`,
  );
  return lookup(errorModels, m[1]!, 'error model')(m[2] === undefined ? undefined : Number(m[2]));
}
