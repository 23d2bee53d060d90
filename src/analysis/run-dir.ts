import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { check, checkPlainName } from '../core/errors.js';
import { readGolden } from '../faults/run/golden.js';
import { readRunFile } from '../run-folder/run-file.js';
import type { RunMeta } from '../run-folder/meta.js';
import { readPlan } from '../faults/plan/plan-file.js';
import { checkCampaignRecords } from '../faults/store/verify.js';
import type { GoldenRun } from '../run-folder/golden.js';
import type { CampaignSummary } from '../run-folder/summary.js';
import { runFolderFiles } from '../run-folder/file-names.js';
import type { CampaignSettings } from '../run-folder/analysis.js';

export type { CampaignSettings } from '../run-folder/analysis.js';

/**
 * What analysis reads of a run folder (DESIGN.md "Files a run leaves"). Reading is the boundary: every file is
 * checked here once, so the analyses downstream can trust the shapes.
 */

export type { RunMeta } from '../run-folder/meta.js';

/**
 * One campaign of a run: a folder under campaign/ (named after its format unless `tgr inject --name` said otherwise).
 */
export interface CampaignFiles {
  /** Folder name; campaigns of two runs are compared when their folder names match. */
  name: string;
  settings: CampaignSettings;
  /** summary.json when present (the fallback source of metrics when faults.jsonl is gone). */
  summary?: CampaignSummary;
  /** Path of faults.jsonl when present (per-bit analyses need it). */
  faultsPath?: string;
  /**
   * The folder the campaign ran in and its golden run, when they are not the run's own: a campaign under formats/F/
   * ran on the model emulated in F, whose golden.json (accuracy, layer names and ranges, last layers) is F's.
   */
  ranIn?: { dir: string; golden: GoldenRun };
}

/** A run folder as analysis sees it. */
export interface RunDir {
  dir: string;
  name: string;
  meta: RunMeta;
  golden: GoldenRun;
  campaigns: CampaignFiles[];
  /** model.onnx when present (Ablation-CAM and MAC counts need it). */
  modelPath?: string;
}

const pick = (
  x: Pick<CampaignSummary, 'format' | 'errorModel' | 'target' | 'rangeDetector' | 'seed' | 'perLayer' | 'leftOut'>,
  guard: string | undefined,
): CampaignSettings => ({
  format: x.format,
  errorModel: x.errorModel,
  target: x.target,
  rangeDetector: x.rangeDetector,
  seed: x.seed,
  perLayer: x.perLayer,
  ...(guard && guard !== 'none' ? { guard } : {}),
  ...(x.leftOut?.length ? { leftOut: x.leftOut } : {}),
});

/** A campaign folder, or null when it holds neither a summary nor records. */
function readCampaign(dir: string, name: string): CampaignFiles | null {
  checkCampaignRecords(dir); // unfinished, damaged or foreign records are refused, named, before any analysis
  const summaryPath = join(dir, runFolderFiles.summary);
  const faultsPath = join(dir, runFolderFiles.faults);
  const hasFaults = existsSync(faultsPath);
  if (existsSync(summaryPath)) {
    const summary = readRunFile('summary', summaryPath);
    return { name, settings: pick(summary, summary.guard?.kind), summary, ...(hasFaults ? { faultsPath } : {}) };
  }
  if (hasFaults && existsSync(join(dir, runFolderFiles.plan))) {
    const plan = readPlan(join(dir, runFolderFiles.plan));
    return { name, settings: pick(plan, plan.guard), faultsPath };
  }
  return null;
}

/** Where a run folder keeps its whole-network format runs: formats/F/ (model.onnx, golden.json, campaign/…). */
export const formatsFolder = 'formats';

/** The run folder of `runDir`'s model emulated in `format` (tgr reproduce writes it; readRun reads its campaigns). */
export function formatRunDir(runDir: string, format: string): string {
  return join(runDir, formatsFolder, checkPlainName(format, 'number format'));
}

/** The campaigns under `dir`/campaign/; with `golden`, each ran in `dir` against it (CampaignFiles.ranIn). */
function campaignsIn(dir: string, golden?: GoldenRun): CampaignFiles[] {
  const root = join(dir, 'campaign');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .flatMap((name) => readCampaign(join(root, name), name) ?? [])
    .map((c) => (golden ? { ...c, ranIn: { dir, golden } } : c));
}

/**
 * A run's whole-network format campaigns: every formats/F/ folder holding a golden.json contributes its campaigns,
 * measured against that golden run. They are the run's campaigns like the ones under campaign/, so a name may appear
 * once in all.
 */
function formatCampaigns(abs: string): CampaignFiles[] {
  const root = join(abs, formatsFolder);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .filter((f) => existsSync(join(root, f, runFolderFiles.golden)))
    .flatMap((f) => campaignsIn(join(root, f), readGolden(join(root, f, runFolderFiles.golden))));
}

/**
 * Reads a run folder: golden.json (required), meta.json (optional), every campaign under campaign/ and under
 * formats/F/campaign/ (the model emulated in F: formatCampaigns).
 */
export function readRun(dir: string): RunDir {
  const abs = resolve(dir);
  check(
    existsSync(abs),
    'bad_argument',
    () => `run folder '${dir}' does not exist; pass a folder written by 'tgr train' / 'tgr inject'`,
  );
  const goldenPath = join(abs, runFolderFiles.golden);
  check(
    existsSync(goldenPath),
    'bad_file',
    () => `${goldenPath}: the golden run is missing; run 'tgr inject' on this run first`,
  );
  const golden = readGolden(goldenPath);
  check(
    Array.isArray(golden.lastLayers) && golden.lastLayers.length > 0,
    'bad_file',
    () => `${goldenPath}: no lastLayers; the comparison needs the model's last layer — re-run 'tgr inject'`,
  );
  const metaPath = join(abs, runFolderFiles.meta);
  const meta = existsSync(metaPath) ? readRunFile('meta', metaPath) : {};
  const campaigns = [...campaignsIn(abs), ...formatCampaigns(abs)];
  const twice = campaigns.find((c, i) => campaigns.findIndex((d) => d.name === c.name) !== i);
  check(!twice, 'bad_file', () => {
    const where = campaigns
      .filter((c) => c.name === twice!.name)
      .map((c) => `${c.ranIn ? `${relative(abs, c.ranIn.dir)}/` : ''}campaign/`);
    return `${abs} holds campaign '${twice!.name}' twice (under ${where.join(' and ')}); delete the one you do not mean`;
  });
  const modelPath = join(abs, runFolderFiles.model);
  return { dir: abs, name: basename(abs), meta, golden, campaigns, ...(existsSync(modelPath) ? { modelPath } : {}) };
}

/**
 * The golden run a campaign of `run` was measured against: its format folder's (CampaignFiles.ranIn), else the run's.
 */
export function campaignGolden(run: RunDir, campaign: string): GoldenRun {
  return run.campaigns.find((c) => c.name === campaign)?.ranIn?.golden ?? run.golden;
}

/** The head kind of a run: meta.json's, else golden.json's. */
export function headOf(run: RunDir): string {
  return run.meta.head ?? run.golden.model.head;
}

/** The backbone name of a run: meta.json's, else golden.json's, else 'model'. */
export function backboneOf(run: RunDir): string {
  return run.meta.backbone ?? run.golden.model.backbone ?? 'model';
}

/** The dataset name of a run: meta.json's, else golden.json's. */
export function datasetOf(run: RunDir): string {
  return run.meta.dataset ?? run.golden.dataset.name;
}
