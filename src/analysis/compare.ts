import { check } from '../core/errors.js';
import { improvementRatio } from '../stats/improvement.js';
import { countsOf, deltaLossOf, rateOf } from '../faults/metrics/metrics.js';
import { rateRatio } from '../stats/ratio.js';
import { countModel } from '../models/count.js';
import { loadModel } from '../onnx/proto-io.js';
import { metricRatios } from './metric-ratios.js';
import { campaignReliability, type CampaignReliability, type ReliabilityOptions } from './reliability.js';
import { backboneOf, datasetOf, headOf, type RunDir } from './run-dir.js';
import type { ComparedModel, FormatComparison, Comparison } from '../run-folder/analysis.js';

export type { ComparedModel, FormatComparison, ComparisonRow, Comparison } from '../run-folder/analysis.js';

/** Mean Top2Diff over correctly classified images (Table 1's Top2Diff column); NaN when none is correct. */
export function meanCorrectTop2diff(g: {
  labels: readonly number[];
  preds: readonly number[];
  top2diff: readonly number[];
}): number {
  let sum = 0;
  let count = 0;
  g.top2diff.forEach((t, i) => {
    if (g.preds[i] === g.labels[i]) ((sum += t), count++);
  });
  return count ? sum / count : NaN;
}

function cost(run: RunDir): { params: number | null; macs: number | null } {
  let params = typeof run.meta.params === 'number' ? run.meta.params : null;
  let macs = typeof run.meta.macs === 'number' ? run.meta.macs : null;
  if ((params === null || macs === null) && run.modelPath) {
    const c = countModel(loadModel(run.modelPath));
    params ??= c.params;
    macs ??= c.macs;
  }
  return { params, macs };
}

function describe(run: RunDir): ComparedModel {
  const g = run.golden;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    run: run.name,
    dir: run.dir,
    head: headOf(run),
    accuracy: g.accuracy,
    images: g.indices.length,
    ...cost(run),
    meanTop2diff: meanCorrectTop2diff(g),
    encoder: str(run.meta.encoder),
    descriptions: str(run.meta.descriptions),
    seed: num(run.meta.seed),
  };
}

/** The two runs must have evaluated the same images, or paired statistics mean nothing. */
export function checkSameImages(baseline: RunDir, textGuided: RunDir): void {
  const a = baseline.golden;
  const b = textGuided.golden;
  check(
    a.dataset.name === b.dataset.name && a.dataset.split === b.dataset.split,
    'bad_argument',
    () =>
      `${baseline.dir} evaluated ${a.dataset.name}/${a.dataset.split} but ${textGuided.dir} evaluated ${b.dataset.name}/${b.dataset.split}; compare runs on the same data`,
  );
  const same = a.indices.length === b.indices.length && a.indices.every((v, i) => v === b.indices[i]);
  check(
    same,
    'bad_argument',
    () =>
      `${baseline.dir} and ${textGuided.dir} golden runs cover different images (${a.indices.length} vs ${b.indices.length}); re-run both golden runs with the same --images`,
  );
}

/**
 * The pair must be two different models with the heads the comparison assumes: a run compared with itself says
 * "no difference" with confidence, and swapped arguments invert every ratio. Heads tgr did not write ('unknown',
 * any ONNX classifier) are taken as given.
 */
export function checkPair(baseline: RunDir, textGuided: RunDir): void {
  check(
    baseline.dir !== textGuided.dir,
    'bad_argument',
    () => `${baseline.dir} was given as both runs; pass the baseline run, then the text-guided run`,
  );
  check(
    baseline.golden.model.sha256 !== textGuided.golden.model.sha256,
    'bad_argument',
    () =>
      `${baseline.dir} and ${textGuided.dir} hold the same model (sha256 ${baseline.golden.model.sha256.slice(0, 12)}…); pass the baseline run, then the text-guided run`,
  );
  const [b, t] = [headOf(baseline), headOf(textGuided)];
  const swap =
    b === 'text-guided' && t === 'linear'
      ? ` — the arguments look swapped: try 'tgr compare ${textGuided.dir} ${baseline.dir}'`
      : '';
  check(
    b !== 'text-guided',
    'bad_argument',
    () => `the baseline ${baseline.dir} has a text-guided head; the first run must have a linear head${swap}`,
  );
  check(
    t !== 'linear',
    'bad_argument',
    () => `the text-guided run ${textGuided.dir} has a linear head; the second run must have a text-guided head${swap}`,
  );
}

/** Compares two campaigns of the same format. */
export function compareFormat(baseline: CampaignReliability, textGuided: CampaignReliability): FormatComparison {
  const tgByLayer = new Map(textGuided.layers.map((m) => [m.layer, m]));
  const sdc = (scope: 'lastLayer' | 'overall') =>
    rateRatio(countsOf(baseline[scope].strata, rateOf.sdc), countsOf(textGuided[scope].strata, rateOf.sdc));
  return {
    format: baseline.campaign,
    baseline,
    textGuided,
    improvement: {
      lastLayer: improvementRatio(deltaLossOf(baseline.lastLayer), deltaLossOf(textGuided.lastLayer)),
      overall: improvementRatio(deltaLossOf(baseline.overall), deltaLossOf(textGuided.overall)),
    },
    mismatchRatio: { lastLayer: sdc('lastLayer'), overall: sdc('overall') },
    metrics: metricRatios(baseline, textGuided),
    layers: baseline.layers
      .filter((m) => tgByLayer.has(m.layer))
      .map((m) => ({
        layer: m.layer,
        improvement: improvementRatio(deltaLossOf(m), deltaLossOf(tgByLayer.get(m.layer)!)),
      })),
  };
}

/** Campaign names both runs have: fp32 first (the paper's format), then the others alphabetically. */
function commonFormats(baseline: RunDir, textGuided: RunDir): string[] {
  const tg = new Set(textGuided.campaigns.map((c) => c.name));
  const common = baseline.campaigns.map((c) => c.name).filter((f) => tg.has(f));
  return common.sort((a, b) => (a === 'fp32' ? -1 : b === 'fp32' ? 1 : a.localeCompare(b)));
}

/** Compares a baseline and a text-guided run (paper Tables 1 and 2); `opts.tau`: critical-fault thresholds. */
export function compareRuns(baseline: RunDir, textGuided: RunDir, opts: ReliabilityOptions = {}): Comparison {
  checkPair(baseline, textGuided);
  checkSameImages(baseline, textGuided);
  const b = describe(baseline);
  const t = describe(textGuided);
  const formats = commonFormats(baseline, textGuided).map((f) =>
    compareFormat(
      campaignReliability(
        baseline,
        baseline.campaigns.find((c) => c.name === f)!,
        opts,
      ),
      campaignReliability(
        textGuided,
        textGuided.campaigns.find((c) => c.name === f)!,
        opts,
      ),
    ),
  );
  const primary = formats[0];
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  return {
    dataset: datasetOf(baseline),
    split: baseline.golden.dataset.split,
    backbone: backboneOf(baseline),
    baseline: b,
    textGuided: t,
    formats,
    row: {
      dataset: datasetOf(baseline),
      backbone: backboneOf(baseline),
      accBaseline: b.accuracy,
      accTextGuided: t.accuracy,
      paramsChange: diff(b.params, t.params),
      macsChange: diff(b.macs, t.macs),
      lastLayer: primary?.improvement.lastLayer ?? null,
      overall: primary?.improvement.overall ?? null,
      top2diffChange: t.meanTop2diff - b.meanTop2diff,
      format: primary?.format ?? null,
    },
  };
}
