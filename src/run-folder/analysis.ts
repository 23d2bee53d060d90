import { z } from 'zod';
import type { RatioEstimate } from '../stats/ratio.js';
import { runFolderFiles } from './file-names.js';
import { anyNumber } from './numbers.js';
import { rateIntervalNames } from '../stats/rate-intervals.js';
import { leftOutSchema, metricsSchemas } from './summary.js';

/**
 * analysis.json: everything a report shows (analysis/analyse.ts makes it, report/write-report.ts writes and re-reads
 * it), every section to its leaves. analysis/'s types are inferred from these schemas (each module re-exports its
 * own), so a figure's new field is added here once and is then typed and validated everywhere. Numbers are
 * `anyNumber`: ±∞ and NaN are kept (`{"$number": …}` in the file). stats/ (above this module) computes the ratios
 * and intervals: their schemas must give its types, and analysis/ assigns its values to these (both ways checked).
 */

const num = anyNumber;
const count = z.number().int();
const { intervalEstimate, layerMetrics, guardSummary } = metricsSchemas(num);
const models = <T extends z.ZodType>(t: T) => z.object({ baseline: t, textGuided: t });
/** Which model of the pair. */
const modelKey = z.enum(['baseline', 'textGuided']);

/**
 * A ratio A ÷ B with its interval (stats/ratio.ts RatioEstimate). `bounds` says what the interval is worth:
 * 'two-sided' (both ends finite), 'one-sided' (one end at 0 or ∞ because a rate was 0), 'unbounded' (the data bound
 * nothing).
 */
export const ratioEstimateSchema = z.object({
  ratio: num,
  lower: num,
  upper: num,
  method: z.string(),
  bounds: z.enum(['two-sided', 'one-sided', 'unbounded']),
}) satisfies z.ZodType<RatioEstimate>;

/** How a campaign was run (summary.json's fields, or plan.json's when a sharded campaign has no summary yet). */
const campaignSettings = z.object({
  format: z.string(),
  errorModel: z.string(),
  target: z.enum(['neurons', 'weights']),
  rangeDetector: z.boolean(),
  seed: count,
  perLayer: count,
  /** The score guard's kind, present only for guarded campaigns. */
  guard: z.string().optional(),
  /** Conv/Gemm/MatMul nodes no fault could land in, with the reason (present only when there are some). */
  leftOut: z.array(leftOutSchema).optional(),
});
/** How a campaign was run. */
export type CampaignSettings = z.infer<typeof campaignSettings>;

/** One cell of the bit × layer heat map: the flat metrics (no tallies or intervals: thousands of cells). */
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
  .extend({
    bit: count,
    /** Faulty values that are finite and within ±(the layer's profiled max |activation|). */
    withinRange: count,
    withinRangeShare: num,
  });
/** One cell of the bit × layer heat map. */
export type BitCell = z.infer<typeof bitCell>;

/** One model's campaign, summarised as the comparison needs it. */
const campaignReliability = campaignSettings.extend({
  /** The campaign's folder under campaign/ (its format unless named otherwise). */
  campaign: z.string(),
  /** 'bit' when the plan was bit-stratified: every estimate and interval is then the stratified one. */
  stratify: z.enum(['none', 'bit']),
  /** Critical-fault thresholds τ of the `critical` metrics. */
  tau: z.array(num),
  /** A --halfwidth campaign's nominal level γ, at which its intervals are computed (summary.json's); absent: 0.99. */
  level: z.number().min(0.99).lt(1).optional(),
  /** A --halfwidth campaign's rate interval (summary.json's); absent: Korn–Graubard. */
  interval: z.enum(rateIntervalNames).optional(),
  /** Per-layer metrics in graph order (layers without records are left out). */
  layers: z.array(layerMetrics),
  /** The model's last layer; for text-guided heads latent + projection, neuron-weighted (metrics.ts). */
  lastLayer: layerMetrics,
  /** Mean over layer slots, the last layer counted once (like for like; metrics.ts overallMetrics). */
  overall: layerMetrics.extend({ slots: count }),
  /** Per (layer, bit) metrics and in-range shares for the bit × layer heat map; null without faults.jsonl. */
  bits: z.array(bitCell).nullable(),
  /** Where the per-layer metrics came from: summary.json's tallies, or every record (no summary, or another τ). */
  source: z.enum([runFolderFiles.faults, runFolderFiles.summary]),
});
/** One model's campaign, summarised as the comparison needs it. */
export type CampaignReliability = z.infer<typeof campaignReliability>;

/** The verdict's metrics: every one is reported, none picked after the fact. */
const verdictMetric = z.enum(['sdc', 'due', 'critical', 'deltaLoss']);
/** A verdict metric. */
export type VerdictMetric = z.infer<typeof verdictMetric>;

/** One metric of one scope: both models' estimates, baseline ÷ text-guided, and where its interval lies against 1. */
const metricRatio = z.object({
  metric: verdictMetric,
  /** The threshold of a critical-fault rate. */
  tau: num.optional(),
  /** How the report names it, e.g. `critical (ΔLoss > 1)`. */
  label: z.string(),
  scope: z.enum(['lastLayer', 'overall']),
  baseline: intervalEstimate,
  textGuided: intervalEstimate,
  /** > 1: the text-guided model has fewer such faults (or a smaller mean ΔLoss). */
  ratio: ratioEstimateSchema,
  side: z.enum(['above 1', 'below 1', 'straddles 1']),
});
/** One verdict metric of one scope. */
export type MetricRatio = z.infer<typeof metricRatio>;

/** Both models' campaigns of one name (by default one number format), and the ratios baseline ÷ text-guided. */
const formatComparison = z.object({
  /** The campaign folder name both runs share (the number format unless `tgr inject --name` chose another). */
  format: z.string(),
  baseline: campaignReliability,
  textGuided: campaignReliability,
  /** The paper's mean-ΔLoss ratios (Fieller): > 1 means the text-guided model loses less under faults. */
  improvement: z.object({ lastLayer: ratioEstimateSchema, overall: ratioEstimateSchema }),
  /** SDC (mismatch) rate ratios, the same way round (Katz log; stratified log-delta when the plans are). */
  mismatchRatio: z.object({ lastLayer: ratioEstimateSchema, overall: ratioEstimateSchema }),
  /** The verdict: every metric, last layer then overall (metric-ratios.ts). */
  metrics: z.array(metricRatio),
  /** ΔLoss ratio of each layer both models have (the shared backbone). */
  layers: z.array(z.object({ layer: z.string(), improvement: ratioEstimateSchema })),
});
/** Both models' campaigns of one name and their ratios. */
export type FormatComparison = z.infer<typeof formatComparison>;

/** One model of a comparison: where it came from and what it scores fault-free. */
const comparedModel = z.object({
  run: z.string(),
  dir: z.string(),
  head: z.string(),
  accuracy: num,
  images: count,
  /** Null when neither meta.json nor model.onnx gives them. */
  params: num.nullable(),
  macs: num.nullable(),
  /** Mean Top2Diff over correctly classified images, in points (0–100). */
  meanTop2diff: num,
  encoder: z.string().nullable(),
  descriptions: z.string().nullable(),
  seed: num.nullable(),
});
/** One model of a comparison. */
export type ComparedModel = z.infer<typeof comparedModel>;

/** A Table-1/Table-2 row: one backbone × dataset. */
const comparisonRow = z.object({
  dataset: z.string(),
  backbone: z.string(),
  accBaseline: num,
  accTextGuided: num,
  paramsChange: num.nullable(),
  macsChange: num.nullable(),
  /** In the primary format; null when the runs have no campaign in a common format. */
  lastLayer: ratioEstimateSchema.nullable(),
  overall: ratioEstimateSchema.nullable(),
  /** Text-guided − baseline mean Top2Diff of correct images, in points (Table 1: 73.67 − 70.32 = +3.35%). */
  top2diffChange: num,
  format: z.string().nullable(),
});
/** A Table-1/Table-2 row. */
export type ComparisonRow = z.infer<typeof comparisonRow>;

/** Baseline vs text-guided on the same images. */
const comparison = z.object({
  dataset: z.string(),
  split: z.string(),
  backbone: z.string(),
  baseline: comparedModel,
  textGuided: comparedModel,
  /** Campaigns in formats both runs have, the primary first. */
  formats: z.array(formatComparison),
  row: comparisonRow,
});
/** Baseline vs text-guided on the same images. */
export type Comparison = z.infer<typeof comparison>;

/**
 * What the run says about the paper's question, by a rule fixed before any data (analysis/verdict.ts): 'yes',
 * 'partly', 'no', or 'unknown' without a common campaign.
 */
const verdict = z.object({ reproduced: z.enum(['yes', 'partly', 'no', 'unknown']), sentence: z.string() });
/** The verdict. */
export type Verdict = z.infer<typeof verdict>;

/** Two classifiers on the same images: how often each is right while the other is wrong. */
const pairedTable = z.object({
  bothCorrect: count,
  /** b: the first model (baseline) right, the second (text-guided) wrong. */
  onlyFirst: count,
  /** c: the second model right, the first wrong. */
  onlySecond: count,
  bothWrong: count,
});
/** A 2×2 table of paired correctness. */
export type PairedTable = z.infer<typeof pairedTable>;

/** McNemar's test on the discordant pairs of a paired table. */
const mcnemarResult = z.object({
  /** b: first right, second wrong. */
  onlyFirst: count,
  /** c: second right, first wrong. */
  onlySecond: count,
  /** Exact two-sided p: 2·P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), capped at 1. */
  pValue: num,
  /** Mid-p: the exact p less P(X = min(b, c)); less conservative, close to nominal size (Fagerland et al. 2013). */
  midPValue: num,
});
/** McNemar's test result. */
export type McNemarResult = z.infer<typeof mcnemarResult>;

/** A paired bootstrap interval for accuracy(first) − accuracy(second). */
const bootstrapInterval = z.object({
  /** The observed difference (a proportion; 0.003 = 0.3 points). */
  difference: num,
  lower: num,
  upper: num,
  confidence: num,
  resamples: count,
});
/** A paired bootstrap interval. */
export type BootstrapInterval = z.infer<typeof bootstrapInterval>;

/** One point of the paper's Fig. 4 sweep. */
const top2DiffPoint = z.object({ delta: num, first: num, second: num });
/** One point of the Top2Diff sweep. */
export type Top2DiffPoint = z.infer<typeof top2DiffPoint>;

/** Is the accuracy difference real? (issue 8 §1, paper §7.4). Baseline is "first", text-guided "second". */
const significance = z.object({
  table: pairedTable,
  mcnemar: mcnemarResult,
  /**
   * Paired bootstrap CI of accuracy(text-guided) − accuracy(baseline): negative means the text-guided model is
   * behind.
   */
  bootstrap: bootstrapInterval.extend({ seed: num }),
  /** Accuracy after excluding correct images with Top2Diff below δ, δ = 0..40 (Fig. 4): first = baseline. */
  sweep: z.array(top2DiffPoint),
  /** The δ where the text-guided curve meets the baseline's (paper: δ ≈ 15 on ImageNet ResNet-50); null if never. */
  crossing: num.nullable(),
});
/** The significance section. */
export type Significance = z.infer<typeof significance>;

/** One model's profiled range at one layer. */
const range = z.object({ maxAbs: num, meanAbs: num });
/** One model's profiled range at one layer. */
export type Range = z.infer<typeof range>;

/** One row of the value-range figure (paper Fig. 3): a layer, with each model's range where the model has it. */
const rangeRow = z.object({
  layer: z.string(),
  baseline: range.nullable(),
  textGuided: range.nullable(),
  /** True for the models' last layers (baseline final Linear; text-guided latent + projection). */
  last: z.boolean(),
});
/** One row of the value-range figure. */
export type RangeRow = z.infer<typeof rangeRow>;

/** The value-range table: per-layer rows plus each model's last-layer figures. */
const valueRanges = z.object({
  rows: z.array(rangeRow),
  /** Last layer, text-guided side neuron-weighted over latent + projection as ΔLoss is (DESIGN.md). */
  lastLayer: models(range.nullable()),
});
/** The value-range table. */
export type ValueRanges = z.infer<typeof valueRanges>;

/** One layer's SDC FIT with the CI carried over from the SDC probability. */
const fitLayer = z.object({ layer: z.string(), bitsPerInference: num, fit: num, fitCi: num });
/** One layer's SDC FIT. */
export type FitLayer = z.infer<typeof fitLayer>;

/** A model's SDC FIT per layer and in total. */
const fitEstimate = z.object({
  rawFitPerMbit: num,
  layers: z.array(fitLayer),
  totalBits: num,
  fit: num,
  fitCi: num,
});
/** A model's SDC FIT. */
export type FitEstimate = z.infer<typeof fitEstimate>;

/** Both models' SDC FIT in one format, their ratio, and the paragraph of assumptions the report prints. */
const fitSection = z.object({
  /** Campaign name (as in the comparison). */
  format: z.string(),
  rawFitPerMbit: num,
  assumptions: z.string(),
  baseline: fitEstimate,
  textGuided: fitEstimate,
  /** Baseline FIT ÷ text-guided FIT (> 1: the text-guided model fails less often). */
  ratio: ratioEstimateSchema,
});
/** The FIT section. */
export type FitSection = z.infer<typeof fitSection>;

/** The projection initialisations of paper Table 3 (analysis/ablation.ts `initialisations` says what each is). */
export const initKindSchema = z.enum(['random', 'template', 'descriptions']);

/** One row of Table 3: an initialisation and its improvement over the shared baseline. */
const ablationRow = z.object({
  init: initKindSchema,
  /** What the row's text came from, e.g. `template ("a photo of a …")` or `descriptions (wordnet)`. */
  label: z.string(),
  run: z.string(),
  accuracy: num,
  format: z.string().nullable(),
  lastLayer: ratioEstimateSchema.nullable(),
  overall: ratioEstimateSchema.nullable(),
});
/** One row of Table 3. */
export type AblationRow = z.infer<typeof ablationRow>;

/** Table 3 as data. */
const ablationTable = z.object({ baseline: z.string(), rows: z.array(ablationRow) });
/** Table 3 as data. */
export type AblationTable = z.infer<typeof ablationTable>;

/** How the paper's Fig. 2 is made: how many weight flips, in which bits, from which seed, over how many images. */
const camSettings = z.object({
  /** Weight bit flips drawn across each network (paper: 2000); `flipRule` decides which are kept. */
  flips: count,
  seed: num,
  /** fp32 bit positions flips are drawn from (default all 32). */
  bits: z.array(count),
  /** Images the before/after similarity is measured over (the first of them are drawn). */
  measure: count,
  /** A flipped weight is kept when finite and within `bound` × its tensor's largest clean |w| (`flipRule`). */
  bound: num,
});
/** How Fig. 2 is made. */
export type CamSettings = z.infer<typeof camSettings>;

/** A mean over images with a percentile-bootstrap interval. */
const meanInterval = z.object({
  mean: num,
  lower: num,
  upper: num,
  /** Images it is taken over. */
  n: count,
});
/** A mean over images with its interval. */
export type MeanInterval = z.infer<typeof meanInterval>;

/** Each model's mean before/after similarity and the paired difference text-guided − baseline, same images. */
const similarityStats = z.object({ baseline: meanInterval, textGuided: meanInterval, difference: meanInterval });
/** Similarity means and their difference. */
export type SimilarityStats = z.infer<typeof similarityStats>;

/** Flips drawn and kept under one bound (`flipRule`): the same kept draws hit both models. */
const flipCounts = z.object({
  bound: num,
  drawn: count,
  kept: count,
  droppedByRange: count,
  droppedByOutput: count,
  rule: z.string(),
});
/** Flips drawn and kept under one bound. */
export type FlipCounts = z.infer<typeof flipCounts>;

/** 'block': the last residual Add (+ its ReLU) before global pooling; 'conv': the last Conv (no residual add). */
export const camLayerRuleSchema = z.enum(['block', 'conv']);

/** One heat map of the figure. */
const camPanel = z.object({
  model: modelKey,
  faulty: z.boolean(),
  predicted: count,
  score: num,
  nonFinite: z.boolean(),
  /** Channels with the largest weights, strongest first (at most 5). */
  topChannels: z.array(z.object({ channel: count, weight: num })),
  /** The overlay as a base64 PNG. */
  png: z.string(),
});
/** One heat map of the figure. */
export type CamPanel = z.infer<typeof camPanel>;

/** One image of the figure: the image itself and four panels (two models × before/after). */
const camImage = z.object({
  index: count,
  label: count,
  imagePng: z.string(),
  panels: z.array(camPanel),
  /** Pearson correlation of each model's map before and after the flips (1 = same map); null if a map is flat. */
  similarity: models(num.nullable()),
});
/** One image of the figure. */
export type CamImage = z.infer<typeof camImage>;

/** The number beside the pictures: map similarity before vs after, over the measured images, with intervals. */
const camSimilarity = z.object({
  /** What is compared, in words. */
  measure: z.string(),
  /** How the intervals are made, in words. */
  interval: z.string(),
  confidence: num,
  resamples: count,
  /** Dataset indices of the measured images, and each model's similarity on each (null: a map is flat). */
  images: z.array(count),
  baseline: z.array(num.nullable()),
  textGuided: z.array(num.nullable()),
  /** Means and intervals over the images where both are defined; null when there is none. */
  stats: similarityStats.nullable(),
});
/** The similarity beside the pictures. */
export type CamSimilarity = z.infer<typeof camSimilarity>;

/** Fig. 2 as data. */
const camFigure = camSettings.extend({
  /** The tensor ablated in each model. */
  layers: models(z.string()),
  /** How it was picked (`camLayer`): a block output or the last Conv. */
  layerRule: models(camLayerRuleSchema),
  flipScreen: flipCounts,
  /** The images drawn (the first measured ones). */
  images: z.array(camImage),
  similarity: camSimilarity,
  /**
   * The similarity again with flips held within each tensor's own range (bound 1), so a reader sees how much the
   * number owes to the bound; null when `bound` is already 1.
   */
  withinRange: z.object({ flipScreen: flipCounts, stats: similarityStats.nullable() }).nullable(),
});
/** Fig. 2 as data. */
export type CamFigure = z.infer<typeof camFigure>;

/** One guarded campaign of one model: what its summary.json says about the score guard. */
const guardRow = z.object({ campaign: z.string(), model: modelKey, guard: guardSummary });
/** One guarded campaign of one model. */
export type GuardRow = z.infer<typeof guardRow>;

/**
 * How a format met the network: `value-only` converts just the flipped value to the format and back (the rest of the
 * network computes in the golden network's format); `whole network` holds every layer in it (`tgr emulate`).
 */
const formatBasis = z.enum(['value-only', 'whole network']);
/** How a format met the network. */
export type FormatBasis = z.infer<typeof formatBasis>;

/** One model's golden run as the campaigns of one format saw it. */
const formatGolden = z.object({
  accuracy: num,
  basis: formatBasis,
  /** The format the golden network computed in: golden.json's `model.emulated`, else fp32. */
  network: z.string(),
});
/** One model's golden run as one format's campaigns saw it. */
export type FormatGolden = z.infer<typeof formatGolden>;

/** One number format of the comparison. */
const formatEntry = z.object({
  /** The campaigns' format as they recorded it (summary.json / plan.json `format`). */
  format: z.string(),
  baseline: formatGolden,
  textGuided: formatGolden,
  /** Its campaigns both runs share, by folder name (keys of `comparison.formats`), in kind order. */
  campaigns: z.array(z.object({ campaign: z.string(), kind: z.string() })),
});
/** One number format of the comparison. */
export type FormatEntry = z.infer<typeof formatEntry>;

/** What flipping one fp32 bit did to values with |x| below the bound. */
const smallValueBit = z.object({
  bit: count,
  tested: count,
  /** Results with |y| < bound (finite). */
  stayedBelow: count,
  /** Results that became Inf or NaN. */
  nonFinite: count,
  /** Largest finite |y| seen. */
  maxAbsAfter: num,
});
/** What flipping one fp32 bit did to small values. */
export type SmallValueBitOutcome = z.infer<typeof smallValueBit>;

/** How one model's golden run got its images: describeFit's line and the label mapping, null where none was made. */
const goldenInputs = z.object({ fit: z.string().nullable(), labels: z.string().nullable() });
/** How one model's golden run got its images. */
export type GoldenInputs = z.infer<typeof goldenInputs>;

/** How the numbers were made, so a reader can judge them (the report prints all of it). */
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
  /** How each model's golden run fitted its images and mapped its labels (absent in older analysis.json). */
  goldenInputs: models(goldenInputs).optional(),
  /** The caller's inputs (AnalyseRequest.inputs); empty for `tgr compare`. */
  inputs: z.array(z.object({ setting: z.string(), value: z.string() })),
});
/** How the numbers were made. */
export type Settings = z.infer<typeof settings>;

/** One analysis, every section (the file holds one, or a list for several model pairs). */
export const oneAnalysisSchema = z.object({
  /** Analyses written before the run-file header carried their own shape version; only 2 is still readable. */
  analysisVersion: z.literal(2).optional(),
  comparison,
  verdict,
  significance,
  valueRanges,
  /** FIT in the primary format; null without a common campaign. */
  fit: fitSection.nullable(),
  ablation: ablationTable.nullable(),
  cam: camFigure.nullable(),
  /** Guarded campaigns: the proven ΔLoss bound and the ΔLoss measured under it (absent in older analysis.json). */
  guard: z.array(guardRow).optional(),
  /** Number formats with golden accuracy and campaigns by kind; null under two formats (absent in older files). */
  formats: z.array(formatEntry).nullable().optional(),
  /** Paper §7.3 checked on fp32 itself: what flipping each bit does to values with |x| < 2 (a format property). */
  smallValues: z.object({ bound: num, mantissasPerExponent: count, seed: num, bits: z.array(smallValueBit) }),
  settings,
});

/** One analysis as analysis.json holds it. */
export type AnalysisFile = z.infer<typeof oneAnalysisSchema>;
