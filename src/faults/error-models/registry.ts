import { check, lookup } from '../../core/errors.js';
import type { SpecParam } from '../../core/option-spec.js';
import { bitFlip } from './bit-flip.js';
import type { ErrorModel } from './model.js';
import { multiBitFlip } from './multi-bit-flip.js';
import { randomValue } from './random-value.js';
import { stuckAt } from './stuck-at.js';

export type { ErrorModel } from './model.js';

/**
 * A registered model: what it does (for help) and either the model itself, which takes no parameter (`name:3` is
 * refused rather than ignored), or the `:K` parameter it reads and how to build it from K.
 */
export type ErrorModelEntry = { help: string } & (
  { model: ErrorModel; param?: never } | { param: SpecParam; build(param: number): ErrorModel }
);

/** 32 is the widest format's width; a narrower format refuses a larger K when a fault is picked. */
const bitsPerFault: SpecParam = {
  name: 'K',
  value: { kind: 'integer', min: 1, max: 32 },
  help: 'bits per fault',
  default: 2,
};

/** Every error model, by spec name. Adding one: one file in error-models/ and one entry here. */
export const errorModels: Readonly<Record<string, ErrorModelEntry>> = {
  'bit-flip': { help: "one bit flipped, the paper's transient fault", model: bitFlip },
  'multi-bit-adjacent': {
    help: 'K adjacent bits flipped',
    param: bitsPerFault,
    build: (k) => multiBitFlip(k, 'adjacent'),
  },
  'multi-bit-random': { help: 'K distinct bits flipped', param: bitsPerFault, build: (k) => multiBitFlip(k, 'random') },
  'stuck-at-0': { help: 'one bit forced to 0', model: stuckAt(0) },
  'stuck-at-1': { help: 'one bit forced to 1', model: stuckAt(1) },
  'random-value': { help: 'the whole pattern replaced by a uniform one', model: randomValue },
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
  const [, name, raw] = m as unknown as [string, string, string | undefined];
  const entry = lookup(errorModels, name, 'error model');
  if (!entry.param) {
    check(
      raw === undefined,
      'bad_argument',
      () => `error model '${name}' takes no parameter; got '${spec}' — write '${name}'`,
    );
    return entry.model;
  }
  const p = entry.param;
  const k = raw === undefined ? p.default : Number(raw);
  check(
    k >= p.value.min && k <= p.value.max,
    'bad_argument',
    () =>
      `error model '${spec}': ${p.name} (${p.help}) must be a whole number from ${p.value.min} to ${p.value.max}; write e.g. ${name}:${p.default}`,
  );
  return entry.build(k);
}
