import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { TgrError, check } from '../core/errors.js';
import type { CampaignSummary, GoldenRun, InjectionRecord } from '../faults/records.js';

/**
 * What analysis reads of a run folder (DESIGN.md "Files a run leaves"). Reading is the boundary: every file is
 * checked here once, so the analyses downstream can trust the shapes.
 */

/** The fields of meta.json that analysis uses; the trainer may write more, and older runs may lack some. */
export interface RunMeta {
  dataset?: string;
  backbone?: string;
  head?: string;
  /** Text encoder of a text-guided head (e.g. `clip`, `offline`, `random`). */
  encoder?: string;
  /** Where class descriptions came from (e.g. `llm`, `cupl-json`, `wordnet`, `template`, `random`). */
  descriptions?: string;
  seed?: number;
  accuracy?: number;
  /** Parameter count and multiply-accumulates per image, when the trainer recorded them. */
  params?: number;
  macs?: number;
  [key: string]: unknown;
}

/** One campaign of a run: a number format's folder under campaign/. */
export interface CampaignFiles {
  format: string;
  summary: CampaignSummary;
  /** Path of faults.jsonl when present (per-bit analyses need it; ratios only need the summary). */
  faultsPath?: string;
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

function readJson<T>(path: string, what: string): T {
  check(existsSync(path), 'bad_file', () => `${path}: ${what} is missing; run the stage that writes it first (see 'tgr --help')`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new TgrError('bad_file', `${path}: ${what} is not valid JSON (${e instanceof Error ? e.message : String(e)}); re-run the stage that writes it`);
  }
}

function checkGolden(g: GoldenRun, path: string): void {
  const n = g.indices?.length;
  check(Array.isArray(g.indices) && Array.isArray(g.layers) && Array.isArray(g.lastLayers), 'bad_file',
    () => `${path}: expected a golden run with indices, layers and lastLayers; found keys ${Object.keys(g).join(', ')}`);
  for (const k of ['labels', 'preds', 'losses', 'top2diff'] as const) {
    check(Array.isArray(g[k]) && g[k].length === n, 'bad_file',
      () => `${path}: '${k}' has ${Array.isArray(g[k]) ? g[k].length : 'no'} entries; expected ${n} (one per image) — re-run the golden run`);
  }
}

/** Reads a run folder: golden.json (required), meta.json (optional), every campaign/FORMAT/summary.json. */
export function readRun(dir: string): RunDir {
  const abs = resolve(dir);
  check(existsSync(abs), 'bad_argument', () => `run folder '${dir}' does not exist; pass a folder written by 'tgr train' / 'tgr campaign'`);
  const goldenPath = join(abs, 'golden.json');
  const golden = readJson<GoldenRun>(goldenPath, 'the golden run (golden.json)');
  checkGolden(golden, goldenPath);
  const metaPath = join(abs, 'meta.json');
  const meta = existsSync(metaPath) ? readJson<RunMeta>(metaPath, 'meta.json') : {};
  const campaignRoot = join(abs, 'campaign');
  const campaigns: CampaignFiles[] = [];
  if (existsSync(campaignRoot)) {
    for (const format of readdirSync(campaignRoot).sort()) {
      const summaryPath = join(campaignRoot, format, 'summary.json');
      if (!existsSync(summaryPath)) continue;
      const faultsPath = join(campaignRoot, format, 'faults.jsonl');
      const c: CampaignFiles = { format, summary: readJson<CampaignSummary>(summaryPath, 'the campaign summary') };
      if (existsSync(faultsPath)) c.faultsPath = faultsPath;
      campaigns.push(c);
    }
  }
  const modelPath = join(abs, 'model.onnx');
  return { dir: abs, name: basename(abs), meta, golden, campaigns, ...(existsSync(modelPath) ? { modelPath } : {}) };
}

/** Reads faults.jsonl; a torn last line (a killed writer) is skipped, any other bad line is an error. */
export function readFaults(path: string): InjectionRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: InjectionRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as InjectionRecord);
    } catch {
      if (i === lines.length - 1) return; // no trailing newline: the writer died mid-line; the runner redoes it
      throw new TgrError('bad_file', `${path}:${i + 1}: not a JSON injection record; delete the line or re-run the campaign`);
    }
  });
  return out;
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
