import { numberFormat } from '../faults/formats/registry.js';
import type { GuardKind } from '../faults/run/guard.js';
import type { ReproducePreset } from './presets.js';

/** One activation campaign of one model: its folder under campaign/ and how it differs from the plain one. */
export interface CampaignVariant {
  /** Folder name; analysis compares the two models' campaigns whose names match. */
  name: string;
  format: string;
  rangeDetector: boolean;
  guard: GuardKind;
}

/**
 * The campaigns of a format (contract F): `F` plain, `F-rd` with GoldenEye's range detector, `F-guard` with the
 * best guard each head can have. Adding a kind of campaign is one row here.
 */
const variants: {
  suffix: string;
  when: (p: ReproducePreset, format: string) => boolean;
  rangeDetector: boolean;
  guard: (head: string) => GuardKind;
}[] = [
  { suffix: '', when: (p) => p.rangeDetector !== 'on', rangeDetector: false, guard: () => 'none' },
  { suffix: '-rd', when: (p) => p.rangeDetector !== 'off', rangeDetector: true, guard: () => 'none' },
  {
    suffix: '-guard',
    // In a network emulated in a format the analytic bound is widened by the rounding of the projection's output
    // (faults/run/guard-format.ts), so the guards run in every format.
    when: (p) => p.guard,
    rangeDetector: false,
    // The analytic bound exists only behind a unit-norm latent; the baseline gets the profiled logit range.
    guard: (head) => (head === 'text-guided' ? 'analytic' : 'profiled'),
  },
];

/** Every campaign a model with this head runs under the preset, format by format. */
export function campaignsFor(p: ReproducePreset, head: string): CampaignVariant[] {
  return p.formats.flatMap((format) =>
    variants
      .filter((v) => v.when(p, format))
      .map((v) => ({ name: format + v.suffix, format, rangeDetector: v.rangeDetector, guard: v.guard(head) })),
  );
}

/**
 * Whether campaigns in `format` run on the whole network emulated in it (every format whose values fp32 does not
 * already hold): the golden accuracy and the flips' propagation are then the format's own (issue 16).
 */
export function wholeNetwork(format: string): boolean {
  return numberFormat(format).grid.kind !== 'exact';
}
