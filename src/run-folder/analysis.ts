import { z } from 'zod';
import { runFolderFiles } from './file-names.js';
import { anyNumber } from './numbers.js';
import { leftOutSchema, metricsSchemas } from './summary.js';

/**
 * analysis.json: everything a report shows (analysis/analyse.ts makes it, report/write-report.ts writes and re-reads
 * it), every section to its leaves. analysis/'s `Analysis` and its parts are the same shape, checked both ways at
 * compile time (analysis/analysis-file.ts), so a figure's new field goes here too or type-checking fails. Numbers
 * are `anyNumber`: ±∞ and NaN are kept (`{"$number": …}` in the file).
 */

const num = anyNumber;
const count = z.number().int();
const { intervalEstimate, layerMetrics, guardSummary } = metricsSchemas(num);
const models = <T extends z.ZodType>(t: T) => z.object({ baseline: t, textGuided: t });

/** A ratio with its interval and what the interval is worth (stats/ratio.ts RatioEstimate). */
const ratioEstimate = z.object({
  ratio: num,
  lower: num,
  upper: num,
  method: z.string(),
  bounds: z.enum(['two-sided', 'one-sided', 'unbounded']),
});

/** How a campaign was run (analysis/run-dir.ts CampaignSettings). */
const campaignSettings = z.object({
  format: z.string(),
  errorModel: z.string(),
  target: z.enum(['neurons', 'weights']),
  rangeDetector: z.boolean(),
  seed: count,
  perLayer: count,
  guard: z.string().optional(),
  leftOut: z.array(leftOutSchema).optional(),
});

/** A bit × layer heat map cell (analysis/stats/bit-vulnerability.ts BitCell): the flat metrics, the bit, the range. */
const bitCell = layerMetrics
  .pick({
    layer: true,
    injections: true,
    mismatches: true,
    mismatchRate: true,
    mismatchCi: true,
    nonFinite: true,
    nonFiniteRate: true,
    finite: true,
    deltaLoss: true,
    deltaLossCi: true,
  })
  .extend({ bit: count, withinRange: count, withinRangeShare: num });

/** One model's campaign as the comparison read it (analysis/reliability.ts CampaignReliability). */
const campaignReliability = campaignSettings.extend({
  campaign: z.string(),
  stratify: z.enum(['none', 'bit']),
  tau: z.array(num),
  layers: z.array(layerMetrics),
  lastLayer: layerMetrics,
  overall: layerMetrics.extend({ slots: count }),
  bits: z.array(bitCell).nullable(),
  source: z.enum([runFolderFiles.faults, runFolderFiles.summary]),
});

/** One verdict metric of one scope (analysis/metric-ratios.ts MetricRatio). */
const metricRatio = z.object({
  metric: z.enum(['sdc', 'due', 'critical', 'deltaLoss']),
  tau: num.optional(),
  label: z.string(),
  scope: z.enum(['lastLayer', 'overall']),
  baseline: intervalEstimate,
  textGuided: intervalEstimate,
  ratio: ratioEstimate,
  side: z.enum(['above 1', 'below 1', 'straddles 1']),
});

/** Both models' campaigns of one name and their ratios (analysis/compare.ts FormatComparison). */
const formatComparison = z.object({
  format: z.string(),
  baseline: campaignReliability,
  textGuided: campaignReliability,
  improvement: z.object({ lastLayer: ratioEstimate, overall: ratioEstimate }),
  mismatchRatio: z.object({ lastLayer: ratioEstimate, overall: ratioEstimate }),
  metrics: z.array(metricRatio),
  layers: z.array(z.object({ layer: z.string(), improvement: ratioEstimate })),
});

/** One model of a comparison (analysis/compare.ts ComparedModel). */
const comparedModel = z.object({
  run: z.string(),
  dir: z.string(),
  head: z.string(),
  accuracy: num,
  images: count,
  params: num.nullable(),
  macs: num.nullable(),
  meanTop2diff: num,
  encoder: z.string().nullable(),
  descriptions: z.string().nullable(),
  seed: num.nullable(),
});

/** Baseline vs text-guided on the same images (analysis/compare.ts Comparison). */
const comparison = z.object({
  dataset: z.string(),
  split: z.string(),
  backbone: z.string(),
  baseline: comparedModel,
  textGuided: comparedModel,
  formats: z.array(formatComparison),
  row: z.object({
    dataset: z.string(),
    backbone: z.string(),
    accBaseline: num,
    accTextGuided: num,
    paramsChange: num.nullable(),
    macsChange: num.nullable(),
    lastLayer: ratioEstimate.nullable(),
    overall: ratioEstimate.nullable(),
    top2diffChange: num,
    format: z.string().nullable(),
  }),
});

/** analysis/verdict.ts Verdict. */
const verdict = z.object({ reproduced: z.enum(['yes', 'partly', 'no', 'unknown']), sentence: z.string() });

/** analysis/significance.ts Significance. */
const significance = z.object({
  table: z.object({ bothCorrect: count, onlyFirst: count, onlySecond: count, bothWrong: count }),
  mcnemar: z.object({ onlyFirst: count, onlySecond: count, pValue: num, midPValue: num }),
  bootstrap: z.object({ difference: num, lower: num, upper: num, confidence: num, resamples: count, seed: num }),
  sweep: z.array(z.object({ delta: num, first: num, second: num })),
  crossing: num.nullable(),
});

/** analysis/value-ranges.ts Range, ValueRanges. */
const range = z.object({ maxAbs: num, meanAbs: num });
const valueRanges = z.object({
  rows: z.array(
    z.object({ layer: z.string(), baseline: range.nullable(), textGuided: range.nullable(), last: z.boolean() }),
  ),
  lastLayer: models(range.nullable()),
});

/** analysis/stats/fit.ts FitEstimate. */
const fitEstimate = z.object({
  rawFitPerMbit: num,
  layers: z.array(z.object({ layer: z.string(), bitsPerInference: num, fit: num, fitCi: num })),
  totalBits: num,
  fit: num,
  fitCi: num,
});

/** analysis/fit-section.ts FitSection. */
const fitSection = z.object({
  format: z.string(),
  rawFitPerMbit: num,
  assumptions: z.string(),
  baseline: fitEstimate,
  textGuided: fitEstimate,
  ratio: ratioEstimate,
});

/** analysis/ablation.ts AblationTable (paper Table 3). */
const ablationTable = z.object({
  baseline: z.string(),
  rows: z.array(
    z.object({
      init: z.enum(['random', 'template', 'descriptions']),
      label: z.string(),
      run: z.string(),
      accuracy: num,
      format: z.string().nullable(),
      lastLayer: ratioEstimate.nullable(),
      overall: ratioEstimate.nullable(),
    }),
  ),
});

/** analysis/cam/cam-figure.ts CamSettings. */
const camSettings = z.object({ flips: count, seed: num, bits: z.array(count), measure: count, bound: num });
/** analysis/cam/cam-similarity.ts MeanInterval, SimilarityStats. */
const meanInterval = z.object({ mean: num, lower: num, upper: num, n: count });
const similarityStats = z.object({ baseline: meanInterval, textGuided: meanInterval, difference: meanInterval });
/** analysis/cam/cam-figure.ts FlipCounts. */
const flipCounts = z.object({
  bound: num,
  drawn: count,
  kept: count,
  droppedByRange: count,
  droppedByOutput: count,
  rule: z.string(),
});
const modelKey = z.enum(['baseline', 'textGuided']);
const layerRule = z.enum(['block', 'conv']);

/** analysis/cam/cam-figure.ts CamFigure (paper Fig. 2). */
const camFigure = camSettings.extend({
  layers: models(z.string()),
  layerRule: models(layerRule),
  flipScreen: flipCounts,
  images: z.array(
    z.object({
      index: count,
      label: count,
      imagePng: z.string(),
      panels: z.array(
        z.object({
          model: modelKey,
          faulty: z.boolean(),
          predicted: count,
          score: num,
          nonFinite: z.boolean(),
          topChannels: z.array(z.object({ channel: count, weight: num })),
          png: z.string(),
        }),
      ),
      similarity: models(num.nullable()),
    }),
  ),
  similarity: z.object({
    measure: z.string(),
    interval: z.string(),
    confidence: num,
    resamples: count,
    images: z.array(count),
    baseline: z.array(num.nullable()),
    textGuided: z.array(num.nullable()),
    stats: similarityStats.nullable(),
  }),
  withinRange: z.object({ flipScreen: flipCounts, stats: similarityStats.nullable() }).nullable(),
});

/** analysis/guard-section.ts GuardRow. */
const guardRow = z.object({ campaign: z.string(), model: modelKey, guard: guardSummary });

/** analysis/formats-section.ts FormatGolden, FormatEntry. */
const formatGolden = z.object({ accuracy: num, basis: z.enum(['value-only', 'whole network']), network: z.string() });
const formatEntry = z.object({
  format: z.string(),
  baseline: formatGolden,
  textGuided: formatGolden,
  campaigns: z.array(z.object({ campaign: z.string(), kind: z.string() })),
});

/** analysis/stats/small-value-flips.ts SmallValueBitOutcome. */
const smallValueBit = z.object({ bit: count, tested: count, stayedBelow: count, nonFinite: count, maxAbsAfter: num });

/** analysis/analyse.ts Settings: how the numbers were made. */
const settings = z.object({
  dataset: z.string(),
  split: z.string(),
  images: count,
  backbone: z.string(),
  formats: z.array(z.string()),
  campaigns: z.array(
    campaignSettings.extend({
      model: modelKey,
      campaign: z.string(),
      source: z.string(),
      stratify: z.enum(['none', 'bit']),
    }),
  ),
  trainingSeeds: models(num.nullable()),
  encoder: z.string().nullable(),
  descriptions: z.string().nullable(),
  bootstrap: z.object({ resamples: count, seed: num }),
  cam: camSettings.nullable(),
  rawFitPerMbit: num,
  goldenInputs: models(z.object({ fit: z.string().nullable(), labels: z.string().nullable() })).optional(),
  inputs: z.array(z.object({ setting: z.string(), value: z.string() })),
});

/** One analysis, every section (the file holds one, or a list for several model pairs). */
export const oneAnalysisSchema = z.object({
  /** Analyses written before the run-file header carried their own shape version; only 2 is still readable. */
  analysisVersion: z.literal(2).optional(),
  comparison,
  verdict,
  significance,
  valueRanges,
  fit: fitSection.nullable(),
  ablation: ablationTable.nullable(),
  cam: camFigure.nullable(),
  guard: z.array(guardRow).optional(),
  formats: z.array(formatEntry).nullable().optional(),
  smallValues: z.object({ bound: num, mantissasPerExponent: count, seed: num, bits: z.array(smallValueBit) }),
  settings,
});

/** One analysis as analysis.json holds it (analysis/analyse.ts Analysis is the same shape). */
export type AnalysisFile = z.infer<typeof oneAnalysisSchema>;
