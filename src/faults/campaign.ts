import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { lockFile, lockPathFor, removeStaleTemps, type FolderLock } from '../core/folder-lock.js';
import { dirname, join } from 'node:path';
import { TgrError, check, checkPlainName } from '../core/errors.js';
import { loadClassifier, type Classifier } from './model/classifier.js';
import { errorModel } from './error-models/registry.js';
import { goldenRun, readGolden, readGoldenActivations } from './run/golden.js';
import type { ImageSet } from './run/images.js';
import { describeLabelMap, sameLabelMap } from '../data/label-map.js';
import { spreadIndices } from '../data/spread.js';
import { runPilot } from './plan/pilot.js';
import { planCampaign, type CampaignPlan, type PlanOptions, type PlanSettings } from './plan/plan.js';
import { readPlan, writePlan } from './plan/plan-file.js';
import type { CampaignSummary, GoldenRun } from './store/records.js';
import { withScoreProfile } from './run/guard.js';
import { runCampaign, type RunResult } from './run/runner.js';
import { faultsFileName, type Shard } from './plan/shard.js';
import { summarize } from './metrics/summarize.js';
import { injectToPrecision } from './plan/precision.js';
import { planSettings, type CampaignOptions } from './campaign-options.js';
import { runFolderFiles } from '../run-folder/file-names.js';

/** Where a campaign's plan, results and summary live. */
export function campaignDir(runDir: string, name: string): string {
  return join(runDir, 'campaign', checkPlainName(name, 'campaign name (--name)'));
}

/** Loads the classifier, and reuses golden.json (same model) or runs the golden pass and writes it. */
export async function prepareGolden(
  o: Pick<CampaignOptions, 'model' | 'images' | 'runDir' | 'limit' | 'inputShape' | 'threads' | 'quiet'>,
): Promise<{ classifier: Classifier; golden: GoldenRun }> {
  const classifier = await loadClassifier(o.model, { inputShape: o.inputShape, threads: o.threads });
  const path = join(o.runDir, runFolderFiles.golden);
  // A golden pass killed while another finished leaves temp files no later pass would see: reusers clean them too.
  removeStaleTemps(o.runDir, [runFolderFiles.golden, runFolderFiles.goldenActivations]);
  if (existsSync(path)) {
    const golden = readGolden(path);
    check(
      golden.model.sha256 === classifier.sha256,
      'bad_file',
      () =>
        `${path} was made for another model (sha256 ${golden.model.sha256.slice(0, 12)}…, ${o.model} has ${classifier.sha256.slice(0, 12)}…) — delete it to redo the golden pass`,
    );
    check(
      golden.dataset.name === o.images.name &&
        golden.dataset.split === o.images.split &&
        (golden.dataset.fit ?? '') === (o.images.fit ?? ''),
      'bad_file',
      () =>
        `${path} is for ${golden.dataset.name}/${golden.dataset.split}${golden.dataset.fit ? ` (${golden.dataset.fit})` : ''}, not ${o.images.name}/${o.images.split}${o.images.fit ? ` (${o.images.fit})` : ''} — use another run directory or delete it`,
    );
    check(
      sameLabelMap(golden.dataset.labelMap, o.images.labelMap),
      'bad_file',
      () =>
        `${path} mapped labels as ${describeLabelMap(golden.dataset.labelMap)}, not ${describeLabelMap(o.images.labelMap)} — use another run directory or delete it`,
    );
    // --images N names the images the golden pass covers; a pass over other images would pool the campaign from them.
    const asked = o.limit === undefined ? undefined : spreadIndices(o.images.size, o.limit);
    check(
      asked === undefined || (asked.length === golden.indices.length && asked.every((v, i) => v === golden.indices[i])),
      'bad_file',
      () =>
        `${path} covers ${golden.indices.length} images, not the ${asked!.length} that --images ${o.limit} asks for — drop --images to use it, or use another run directory or delete it`,
    );
    return { classifier, golden: withScoreProfile(golden, path, classifier.output.name) };
  }
  const golden = await goldenRun({
    classifier,
    images: o.images,
    limit: o.limit,
    threads: o.threads,
    quiet: o.quiet,
    out: path,
  });
  return { classifier, golden };
}

/**
 * Writes campaign/NAME/plan.json unless an identical plan is there; a plan with other settings is an error. A Neyman
 * plan first runs (or reuses) its pilot in campaign/NAME/pilot/.
 */
export async function preparePlan(
  o: CampaignOptions,
  classifier: Classifier,
  golden: GoldenRun,
): Promise<{ dir: string; plan: CampaignPlan }> {
  const dir = campaignDir(o.runDir, o.name ?? o.format ?? 'fp32');
  const path = join(dir, runFolderFiles.plan);
  const settings = planSettings(o, classifier, golden);
  const neyman = o.allocation === 'neyman';
  check(
    !neyman || o.stratify === 'bit',
    'bad_argument',
    () => "--allocation neyman splits a layer's sites over bit strata; add --stratify bit",
  );
  check(neyman ? o.pilot !== undefined : o.pilot === undefined, 'bad_argument', () =>
    neyman
      ? '--allocation neyman needs --pilot N (pilot sites per layer, e.g. 256)'
      : '--pilot runs a pilot for --stratify bit --allocation neyman; add those or drop --pilot',
  );
  check(
    o.maxRounds === undefined,
    'bad_argument',
    () => '--max-rounds bounds the top-up rounds of a --halfwidth campaign; add --halfwidth W or drop --max-rounds',
  );
  // An existing Neyman plan is checked against the settings without re-running its pilot: shards of a planned campaign
  // then never touch pilot/ (whose results file one writer at a time may hold).
  const planned = existsSync(path);
  const fresh = planCampaign(
    neyman && planned
      ? { ...settings, allocation: 'equal' }
      : neyman
        ? {
            ...settings,
            pilot: o.pilot,
            pilotSd: await runPilot({
              plan: settings,
              pilot: o.pilot!,
              images: o.images,
              dir,
              threads: o.threads,
              quiet: o.quiet,
              activations: readGoldenActivations(join(o.runDir, runFolderFiles.golden), golden),
            }),
          }
        : settings,
  );
  if (!planned) {
    writePlan(path, fresh);
    return { dir, plan: fresh };
  }
  const old = readPlan(path);
  const keys = [
    'perLayer',
    'format',
    'errorModel',
    'target',
    'seed',
    'rangeDetector',
    'guard',
    'stratify',
    'batchSize',
    'pool',
  ] as const;
  const differs: string[] = keys.filter((k) => old[k] !== fresh[k]);
  const strata = neyman ? { ...fresh.strata!, allocation: 'neyman', pilot: o.pilot } : fresh.strata;
  if (JSON.stringify(old.strata) !== JSON.stringify(strata)) differs.push('allocation');
  if (old.model.sha256 !== fresh.model.sha256) differs.push('model');
  if (old.layers.map((l) => l.name).join() !== fresh.layers.map((l) => l.name).join()) differs.push('layers');
  if (differs.length > 0) {
    throw new TgrError(
      'bad_plan',
      `${path} was planned with other settings (${differs.join(', ')}) — pass --name for a second campaign, or delete the folder to re-plan`,
    );
  }
  return { dir, plan: old };
}

/**
 * The whole campaign, resumable at every step: golden pass (or golden.json), plan (or plan.json), the run (or the
 * rest of it), and, for an unsharded run, summary.json/summary.csv.
 */
export async function injectCampaign(
  o: CampaignOptions,
): Promise<{ dir: string; run: RunResult; summary?: CampaignSummary }> {
  errorModel(o.errorModel); // a bad spec fails before the golden pass, not after
  const { classifier, golden } = await prepareGolden(o);
  // One writer per results file from the plan on: a second 'tgr inject' here refuses instead of doubling it.
  const folder = campaignDir(o.runDir, o.name ?? o.format ?? 'fp32');
  const fresh = [folder, dirname(folder)].filter((d) => !existsSync(d));
  const lock = lockCampaign(folder, o.shard);
  try {
    // A precision target plans and runs in rounds (faults/plan/rounds.ts) instead of one plan.
    if (o.halfwidth !== undefined) return await injectToPrecision(o, classifier, golden);
    const { dir, plan } = await preparePlan(o, classifier, golden);
    const activations = readGoldenActivations(join(o.runDir, runFolderFiles.golden), golden);
    const run = await runCampaign({
      classifier,
      golden,
      plan,
      images: o.images,
      dir,
      shard: o.shard,
      threads: o.threads,
      quiet: o.quiet,
      activations,
    });
    const summary = o.shard && o.shard.count > 1 ? undefined : summarize(dir, o.tau ? { tau: o.tau } : {});
    return { dir, run, ...(summary ? { summary } : {}) };
  } finally {
    lock.release();
    // Settings refused before anything was written leave no empty campaign folder behind.
    for (const d of fresh) if (readdirSync(d).length === 0) rmdirSync(d);
  }
}

/** Takes the lock of a campaign's results file (the shard's own file for a shard): runner and summary re-enter it. */
function lockCampaign(dir: string, shard?: Shard): FolderLock {
  mkdirSync(dir, { recursive: true });
  return lockFile(lockPathFor(join(dir, faultsFileName(shard))));
}
