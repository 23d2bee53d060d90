import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { format } from 'node:util';
import type { Analysis } from '../analysis/analyse.js';
import type { Classifier } from '../faults/model/classifier.js';
import type { CampaignPlan } from '../faults/plan/plan.js';
import type { Shard } from '../faults/plan/shard.js';
import type { RunResult } from '../faults/run/runner.js';
import type { CampaignSummary } from '../faults/store/records.js';
import type {
  CampaignFiles,
  CompareJson,
  InjectJson,
  InspectJson,
  JsonDocument,
  MergeJson,
  PlanJson,
} from './json-documents.js';
import type { PlanLayerRow } from './summary-table.js';
import { runFolderFiles } from '../run-folder/file-names.js';

/*
 * `--json` (issue 18): a command prints exactly one JSON document on stdout, shaped by json-documents.ts's schemas and
 * described in docs/JSON.md. The documents reuse the files' own shapes (summary.json's CampaignSummary, analysis.json's
 * verdict rows) and only restate paths relative to the run folder, so a pipeline can move a run and still follow them.
 * Numbers that are undefined (NaN) or unbounded (±∞) are written as null, as in summary.json.
 */

/** What every document starts with: the tgr version that wrote it and the command that printed it. */
export interface JsonHeader<C extends string> {
  tgr: string;
  command: C;
}

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
    files: { golden: runFolderFiles.golden, plan: runPath(run, `${dir}/${runFolderFiles.plan}`) },
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
      plan: runPath(run, `${dir}/${runFolderFiles.plan}`),
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
