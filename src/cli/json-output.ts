import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { format } from 'node:util';
import type { Analysis } from '../analysis/analyse.js';
import type { MetricRatio } from '../analysis/metric-ratios.js';
import type { Verdict } from '../analysis/verdict.js';
import type { Classifier } from '../faults/model/classifier.js';
import type { CampaignPlan } from '../faults/plan/plan.js';
import type { PlanStrata } from '../faults/plan/strata.js';
import type { Shard } from '../faults/plan/shard.js';
import type { RunResult } from '../faults/run/runner.js';
import type { CampaignSummary } from '../faults/store/records.js';
import type { HeadComparison } from '../models/compare.js';
import type { RatioEstimate } from '../stats/ratio.js';
import type { PlanLayerRow } from './summary-table.js';

/*
 * `--json` (issue 18): a command prints exactly one JSON document on stdout, shaped by the interfaces below and
 * described in docs/JSON.md. The documents reuse the files' own shapes (summary.json's CampaignSummary, analysis.json's
 * verdict rows) and only restate paths relative to the run folder, so a pipeline can move a run and still follow them.
 * Numbers that are undefined (NaN) or unbounded (±∞) are written as null, as in summary.json.
 */

/** What every document starts with: the tgr version that wrote it and the command that printed it. */
export interface JsonHeader<C extends string> {
  tgr: string;
  command: C;
}

/** `tgr inspect --json`: the classifier as fault campaigns see it. */
export interface InspectJson extends JsonHeader<'inspect'> {
  /** The .onnx file as resolved from the argument. */
  model: string;
  sha256: string;
  head: string;
  backbone: string | null;
  /** Per-image shape [C, H, W]; the batch is the leading N. */
  input: { name: string; shape: [number, number, number] };
  output: { name: string; classes: number };
  layers: {
    name: string;
    opType: string;
    /** Per-image shape (batch dropped). */
    shape: number[];
    neurons: number;
    /** Elements of the constant weight; null when the layer has none. */
    weights: number | null;
    /** Part of the model's last layer. */
    lastLayer: boolean;
    /** The node's own output shape when the exporter put the batch elsewhere ('N', 'N*c'…); null when batch-major. */
    layout: (number | string)[] | null;
  }[];
  /** Conv/Gemm/MatMul nodes no fault can land in, with the reason. */
  leftOut: { name: string; opType: string; reason: string }[];
}

/** `tgr models --json`: per backbone, parameters and MACs (per image) of both heads, or why it cannot be built. */
export interface ModelsJson extends JsonHeader<'models'> {
  dataset: string;
  inputShape: [number, number, number];
  numClasses: number;
  embedDim: number;
  backbones: HeadComparison[];
}

/** `tgr plan --json`: the plan written and the margin of error each layer's n buys. */
export interface PlanJson extends JsonHeader<'plan'> {
  /** The run folder, as given (or --out); every other path is relative to it. */
  run: string;
  campaign: string;
  files: { golden: string; plan: string };
  settings: {
    perLayer: number;
    injections: number;
    target: string;
    format: string;
    errorModel: string;
    seed: number;
    rangeDetector: boolean;
    guard: string;
    /** The guard's proven bound on undetected ΔLoss; null without a guard. */
    guardDeltaLossBound: number | null;
    stratify: string;
    strata: PlanStrata | null;
  };
  dataset: { name: string; split: string };
  /** Correctly classified images with Top2Diff > 0 the sites are drawn from. */
  pool: number;
  units: number;
  /** Confidence level of the margins (0.99). */
  confidence: number;
  /** The --margin asked for (a proportion); null when none. */
  targetMargin: number | null;
  layers: PlanLayerRow[];
  leftOut: { name: string; opType: string; reason: string }[];
}

/** Where a campaign's files are, relative to the run folder. */
export interface CampaignFiles {
  plan: string;
  /** The results file this command wrote (a shard's own file for --shard). */
  faults: string;
  /** null when no summary was written (a shard of several). */
  summary: string | null;
  summaryCsv: string | null;
}

/** What `tgr inject --json` and `tgr merge --json` share: the campaign, its files and summary.json's content. */
interface CampaignJson<C extends 'inject' | 'merge'> extends JsonHeader<C> {
  run: string;
  campaign: string;
  files: CampaignFiles;
  /** summary.json's content with `model` relative to the run; null for a shard of several. */
  summary: CampaignSummary | null;
}

/** `tgr inject --json`. */
export interface InjectJson extends CampaignJson<'inject'> {
  shard: Shard | null;
  /** Child processes of --jobs; null for one process. */
  jobs: number | null;
  /**
   * Injections this run covers, those already done before it (resumed) and the count per evaluation path, wall seconds;
   * --jobs: the records merged from the children, resumed and paths null (each child counts its own).
   */
  injections: { sites: number; resumed: number | null; paths: Record<string, number> | null; seconds: number };
}

/** `tgr merge --json`. */
export interface MergeJson extends CampaignJson<'merge'> {
  shards: number;
  records: number;
}

/** One campaign of `tgr compare --json`: the verdict rows and the per-layer ΔLoss ratios. */
export interface CompareCampaignJson {
  campaign: string;
  /** Every metric × scope, baseline ÷ text-guided with its 99% interval and side against 1 (analysis.json's). */
  metrics: MetricRatio[];
  /** The paper's mean-ΔLoss ratio of each layer both models have. */
  layers: { layer: string; improvement: RatioEstimate }[];
}

/** `tgr compare --json`: the verdict, its rows per campaign, and where the report went. */
export interface CompareJson extends JsonHeader<'compare'> {
  /** The folder analysis.json and report/ were written to; files are relative to it. */
  out: string;
  files: { analysisJson: string; html: string };
  verdict: Verdict;
  /** `run`: the run folder's name; accuracy a proportion over `images` golden images. */
  models: Record<'baseline' | 'textGuided', { run: string; head: string; accuracy: number; images: number }>;
  /** Campaigns both runs have, the primary (the verdict's) first. */
  campaigns: CompareCampaignJson[];
}

/** Every document by command. */
export type JsonDocument = InspectJson | ModelsJson | PlanJson | InjectJson | MergeJson | CompareJson;

let version: string | undefined;

/** This package's version, as every document's `tgr` field. */
export function tgrVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
}

/** The header of a document of `command`. */
export function jsonHeader<C extends string>(command: C): JsonHeader<C> {
  return { tgr: tgrVersion(), command };
}

/** The help of `--json`, which every command that has it declares the same way. */
export const jsonHelp = 'print one JSON document on stdout (docs/JSON.md); notes and progress go to stderr';

/**
 * Runs a command's work, then prints its result: as text, or with --json as the one JSON document on stdout. Under
 * --json, whatever the work logs goes to stderr (a stage's note must not break the reader's JSON.parse).
 */
export async function printResult<T>(
  json: unknown,
  work: () => Promise<T>,
  view: { text: (r: T) => string; json: (r: T) => JsonDocument },
): Promise<void> {
  if (!json) {
    console.log(view.text(await work()));
    return;
  }
  const log = console.log;
  const info = console.info;
  console.log = console.info = (...a: unknown[]) => void process.stderr.write(format(...a) + '\n');
  let result: T;
  try {
    result = await work();
  } finally {
    [console.log, console.info] = [log, info];
  }
  log(JSON.stringify(view.json(result), null, 2));
}

/**
 * Runs `work` with process.stdout's writes sent to stderr: for output that bypasses console.log (the lines --jobs
 * relays from its child processes). Not for in-process tests: node's test runner reports through process.stdout.
 */
export async function stdoutToStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** `path` relative to the run folder (forward slashes whatever the platform). */
export function runPath(run: string, path: string): string {
  return relative(run, path).split('\\').join('/');
}

/** The document of `tgr inspect`. */
export function inspectJson(c: Classifier): InspectJson {
  return {
    ...jsonHeader('inspect'),
    model: c.file,
    sha256: c.sha256,
    head: c.head,
    backbone: c.backbone ?? null,
    input: c.input,
    output: c.output,
    layers: c.layers.map((l) => ({
      name: l.name,
      opType: l.opType,
      shape: l.shape,
      neurons: l.neurons,
      weights: l.weightElements ?? null,
      lastLayer: c.lastLayers.includes(l.name),
      layout: l.native ? l.native.shape : null,
    })),
    leftOut: c.leftOut.map((l) => ({ name: l.name, opType: l.opType, reason: l.reason })),
  };
}

/** The document of `tgr plan`: `rows` are the table's (planLayerRows), `dir` the campaign folder. */
export function planJson(
  run: string,
  dir: string,
  plan: CampaignPlan,
  rows: PlanLayerRow[],
  confidence: number,
  margin?: number,
): PlanJson {
  return {
    ...jsonHeader('plan'),
    run,
    campaign: runPath(`${run}/campaign`, dir),
    files: { golden: 'golden.json', plan: runPath(run, `${dir}/plan.json`) },
    settings: {
      perLayer: plan.perLayer,
      injections: plan.sites.layer.length,
      target: plan.target,
      format: plan.format,
      errorModel: plan.errorModel,
      seed: plan.seed,
      rangeDetector: plan.rangeDetector,
      guard: plan.guard ?? 'none',
      guardDeltaLossBound: plan.guard && plan.guard !== 'none' ? (plan.guardDeltaLossBound ?? null) : null,
      stratify: plan.stratify ?? 'none',
      strata: plan.strata ?? null,
    },
    dataset: plan.dataset,
    pool: plan.pool,
    units: plan.units.length,
    confidence,
    targetMargin: margin ?? null,
    layers: rows,
    leftOut: plan.leftOut ?? [],
  };
}

/** A campaign's files and summary as inject/merge documents hold them (paths relative to `run`). */
export function campaignJson(
  run: string,
  dir: string,
  faults: string,
  summary: CampaignSummary | undefined,
): { run: string; campaign: string; files: CampaignFiles; summary: CampaignSummary | null } {
  return {
    run,
    campaign: runPath(`${run}/campaign`, dir),
    files: {
      plan: runPath(run, `${dir}/plan.json`),
      faults: runPath(run, faults),
      summary: summary ? runPath(run, `${dir}/summary.json`) : null,
      summaryCsv: summary ? runPath(run, `${dir}/summary.csv`) : null,
    },
    summary: summary ? { ...summary, model: runPath(run, summary.model) } : null,
  };
}

/** The document of `tgr inject` run in one process (`result`: injectCampaign's). */
export function injectJson(
  run: string,
  result: { dir: string; run: RunResult; summary?: CampaignSummary },
  shard: Shard | undefined,
): InjectJson {
  const r = result.run;
  return {
    ...jsonHeader('inject'),
    ...campaignJson(run, result.dir, r.file, result.summary),
    shard: shard ?? null,
    jobs: null,
    injections: { sites: r.sites, resumed: r.resumed, paths: r.paths, seconds: r.seconds },
  };
}

/** The document of `tgr inject --jobs N`: the merge of the children's shards (`merged`: mergeShards'). */
export function injectJobsJson(
  run: string,
  dir: string,
  merged: { file: string; records: number },
  jobs: number,
  seconds: number,
  summary: CampaignSummary,
): InjectJson {
  return {
    ...jsonHeader('inject'),
    ...campaignJson(run, dir, merged.file, summary),
    shard: null,
    jobs,
    injections: { sites: merged.records, resumed: null, paths: null, seconds },
  };
}

/** The document of `tgr merge`. */
export function mergeJson(
  run: string,
  dir: string,
  merged: { file: string; records: number },
  shards: number,
  summary: CampaignSummary,
): MergeJson {
  return { ...jsonHeader('merge'), ...campaignJson(run, dir, merged.file, summary), shards, records: merged.records };
}

/** The document of `tgr compare`: `out` the folder the report was written to. */
export function compareJson(
  analysis: Analysis,
  out: string,
  files: { analysisJson: string; html: string },
): CompareJson {
  const c = analysis.comparison;
  const model = (m: typeof c.baseline) => ({ run: m.run, head: m.head, accuracy: m.accuracy, images: m.images });
  return {
    ...jsonHeader('compare'),
    out,
    files: { analysisJson: runPath(out, files.analysisJson), html: runPath(out, files.html) },
    verdict: analysis.verdict,
    models: { baseline: model(c.baseline), textGuided: model(c.textGuided) },
    campaigns: c.formats.map((f) => ({ campaign: f.format, metrics: f.metrics, layers: f.layers })),
  };
}
