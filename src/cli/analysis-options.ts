import type { Command } from 'commander';
import type { AnalyseRequest } from '../analysis/analyse.js';
import { defaultRawFitPerMbit } from '../analysis/stats/fit.js';
import { check } from '../core/errors.js';
import { count, integer, number, numberList, outFolder, folder, seed, spec } from './option-parsers.js';

/** The options `tgr compare` and `tgr report` share: where to write, FIT rate, bootstrap, Ablation-CAM. */
export function analysisOptions(cmd: Command): Command {
  return cmd
    .option('--out <dir>', 'folder for analysis.json and report/ (default: see the command)', outFolder())
    .option(
      '--raw-fit <fit>',
      'raw upset rate in FIT/Mbit for SDC FIT estimates',
      number(0, 1e9, true),
      defaultRawFitPerMbit,
    )
    .option('--bootstrap <n>', 'paired bootstrap resamples', count(1_000_000), 2000)
    .option('--bootstrap-seed <n>', 'seed of the bootstrap', seed(), 0)
    .option('--cam-images <n>', 'images for Ablation-CAM (Fig. 2); 0 skips it', integer(0, 10_000), 3)
    .option('--cam-flips <n>', 'random weight bit flips for Ablation-CAM', integer(0, 10_000_000), 2000)
    .option(
      '--cam-bits <list>',
      'fp32 bits the weight flips may hit, e.g. 0-22 or 0,5,30 (default all 0-31)',
      spec(parseBits),
    )
    .option('--cam-seed <n>', 'seed of the weight flips', seed(), 0)
    .option(
      '--cam-measure <n>',
      'images the CAM before/after similarity is measured over (the first both models get right)',
      integer(1, 100_000),
      50,
    )
    .option(
      '--cam-bound <x>',
      "CAM weight flips are kept when the flipped weight is finite and within x × its tensor's largest |w|",
      number(1, 1e30),
      65536,
    )
    .option('--data-dir <dir>', 'dataset folder, as given to tgr train (for the CAM images)', folder())
    .option('--tau <list>', 'critical-fault thresholds τ of the verdict, P(ΔLoss > τ)', numberList(0, '0.1,1,10'));
}

/** Parses `0-22`, `30,31` or `0-3,30` into bit positions. */
export function parseBits(spec: string): number[] {
  const bits = spec.split(',').flatMap((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    check(m, 'bad_argument', () => `--cam-bits: '${part}' is not a bit or a range like 0-22`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  });
  check(
    bits.length > 0 && bits.every((b) => b < 32),
    'bad_argument',
    () => `--cam-bits: '${spec}' must name fp32 bits 0..31`,
  );
  return [...new Set(bits)].sort((x, y) => x - y);
}

/** The request fields the shared options set. */
export function analysisRequest(opts: Record<string, unknown>): Omit<AnalyseRequest, 'baseline' | 'textGuided'> {
  return {
    rawFitPerMbit: opts.rawFit as number,
    ...(Array.isArray(opts.tau) ? { tau: opts.tau as number[] } : {}),
    bootstrap: { resamples: opts.bootstrap as number, seed: opts.bootstrapSeed as number },
    cam: {
      count: opts.camImages as number,
      flips: opts.camFlips as number,
      seed: opts.camSeed as number,
      measure: opts.camMeasure as number,
      bound: opts.camBound as number,
      ...(Array.isArray(opts.camBits) ? { bits: opts.camBits as number[] } : {}),
      ...(typeof opts.dataDir === 'string' ? { dataDir: opts.dataDir } : {}),
    },
  };
}
