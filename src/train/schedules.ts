/**
 * Learning-rate schedules, evaluated per iteration (not per epoch) so the rate moves smoothly inside an epoch.
 * One table of main schedules; a linear warm-up composes with any of them, as torchvision's SequentialLR(LinearLR,
 * main) does: during the warm-up the main schedule has not started, after it the main schedule runs over what is left.
 */
import { lookup } from '../core/errors.js';

export interface ScheduleSpec {
  /** A key of `schedules`. */
  name: string;
  /** Epochs of linear warm-up before the main schedule; 0 = none. */
  warmupEpochs?: number;
  /** Factor the warm-up starts from (torchvision's lr_warmup_decay, default 0.01). */
  warmupStart?: number;
  /** step: epochs between decays (torchvision's lr_step_size) and the decay factor (lr_gamma). */
  stepEpochs?: number;
  gamma?: number;
  /** cosine: the rate it ends at (torchvision's lr_min). */
  minLr?: number;
}

/** Where a main schedule is: `iter` of `total` iterations since it started (0-based). */
interface MainAt {
  base: number;
  iter: number;
  total: number;
  itersPerEpoch: number;
  spec: ScheduleSpec;
}

/** Main schedules by name: the rate at an iteration. */
export const schedules: Record<string, (at: MainAt) => number> = {
  constant: ({ base }) => base,
  step: ({ base, iter, itersPerEpoch, spec }) =>
    base * (spec.gamma ?? 0.1) ** Math.floor(iter / ((spec.stepEpochs ?? 30) * itersPerEpoch)),
  cosine: ({ base, iter, total, spec }) => {
    const min = spec.minLr ?? 0;
    return min + ((base - min) * (1 + Math.cos((Math.PI * Math.min(iter, total)) / Math.max(1, total)))) / 2;
  },
};

/** The rate at each 0-based iteration of a run of `epochs` × `itersPerEpoch` iterations with base rate `base`. */
export function lrSchedule(
  spec: ScheduleSpec,
  base: number,
  epochs: number,
  itersPerEpoch: number,
): (iter: number) => number {
  const main = lookup(schedules, spec.name, 'learning-rate schedule');
  const warm = Math.min(epochs, spec.warmupEpochs ?? 0) * itersPerEpoch;
  const start = spec.warmupStart ?? 0.01;
  const total = epochs * itersPerEpoch - warm;
  return (iter) =>
    iter < warm
      ? base * (start + ((1 - start) * iter) / warm)
      : main({ base, iter: iter - warm, total, itersPerEpoch, spec });
}
