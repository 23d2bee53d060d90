/**
 * `tgr reproduce`: data → descriptions → class embeddings → baseline and text-guided training → fault campaigns →
 * analyses → report. Each stage is skipped when its outputs exist and its inputs (options and upstream results)
 * are unchanged; an interrupted stage resumes from its own partial files (training checkpoints, faults.jsonl).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic-write.js';
import { readRunFile, runFiles } from '../run-folder/run-file.js';
import { openDataset } from '../data/registry.js';
import { availableParallelism } from 'node:os';
import type { HeadKind } from '../models/heads.js';
import type { InitKind } from '../analysis/ablation.js';
import { CHECKPOINT_FILE } from '../train/trainer.js';
import { defaultCacheDir } from '../text/class-embeddings.js';
import { readNpy } from '../text/formats/npy.js';
import { analyse } from '../analysis/analyse.js';
import { writeReport } from '../report/write-report.js';
import { formatRunDir } from '../analysis/run-dir.js';
import { campaignsFor, wholeNetwork, type CampaignVariant } from './campaigns.js';
import { embedStage } from './embed.js';
import { resolvePreset, type ReproduceOptions } from './options.js';
import { reproduceSettingRows } from './settings-rows.js';
import { runStage, hashOf } from './stage.js';
import { runChains } from './lanes.js';
import { StageDisplay } from './stage-display.js';
import { runInWorker } from './stage-thread.js';
import { runFolderFiles } from '../run-folder/file-names.js';

export type { ReproduceOptions } from './options.js';

export interface ReproduceResult {
  out: string;
  report: string;
  minutes: number;
  accuracy: { baseline: number; textGuided: number };
}

/** Runs the whole pipeline for a preset; safe to interrupt and rerun. */
export async function reproduce(o: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  const presetName = o.preset ?? 'quick';
  const p = resolvePreset(o);
  const out = o.out ?? join('runs', `reproduce-${presetName}`);
  const stamps = join(out, '.stages');
  const log = o.log ?? ((line: string) => process.stderr.write(`reproduce: ${line}\n`));
  const cacheDir = o.cacheDir ?? defaultCacheDir();
  const ds = await openDataset(p.dataset, { dataDir: o.dataDir, seed: p.seed });
  const classNames = ds.classNames;
  log(`preset ${presetName}: ${p.dataset} (${classNames.length} classes), ${p.backbone}, output in ${out}`);

  // Class embeddings, one matrix per projection initialisation that needs one. A precomputed matrix has no
  // template counterpart in its space, so Table 3's template row is left out then.
  const inits: InitKind[] = p.ablation
    ? ['descriptions', ...(p.classEmbeddings ? [] : (['template'] as const)), 'random']
    : ['descriptions'];
  const embeddings: Partial<Record<InitKind, { file: string; hash: string }>> = {};
  for (const init of inits) {
    if (init === 'random') continue;
    embeddings[init] = await embedStage({ init, preset: p, classNames, out, stamps, cacheDir, quiet: o.quiet, log });
  }
  const embedDim = readNpy(embeddings.descriptions!.file).cols;

  // Training: the baseline and each text-guided variant with one recipe and seed.
  const runs: { name: string; head: HeadKind; init?: InitKind }[] = [
    { name: 'baseline', head: 'linear' },
    { name: 'text-guided', head: 'text-guided', init: 'descriptions' },
    ...inits
      .filter((i) => i !== 'descriptions')
      .map((init) => ({ name: `text-guided-${init}`, head: 'text-guided' as const, init })),
  ];
  // Each model is one chain: its training, then its campaigns (which share its golden pass, so they stay in order).
  // Chains run side by side, one thread each by default: two single-thread stages beat one two-thread stage here.
  const lanes = Math.max(1, Math.min(o.jobs ?? availableParallelism(), runs.length));
  const threads = o.threads ?? Math.max(1, Math.floor(availableParallelism() / lanes));
  log(`${runs.length} models, ${lanes} at a time, ${threads} thread${threads === 1 ? '' : 's'} each`);
  const display = new StageDisplay();
  const stageLog = (line: string) => (o.log ? o.log(line) : display.line('', `reproduce: ${line}`));
  const trained: Record<string, { dir: string; hash: string }> = {};
  const images = { dataset: p.dataset, dataDir: o.dataDir, seed: p.seed, split: 'test' } as const;
  /** Model M emulated in `format` (M's fp32 golden ranges) into formatRunDir(M, format): a run folder of its own. */
  const emulateStage = async (m: {
    name: string;
    dir: string;
    hash: string;
    format: string;
    campaigns: readonly CampaignVariant[];
  }) => {
    const runDir = formatRunDir(m.dir, m.format);
    const name = `emulate-${m.name}-${m.format}`;
    const { hash } = await runStage(
      stamps,
      {
        name,
        inputs: { model: m.hash, format: m.format, limit: p.limitTest, seed: p.seed },
        outputs: [join(runDir, runFolderFiles.model)],
        run: async () => {
          // A new emulated model has another sha256: its golden.json and campaigns are stale. So are campaigns an
          // earlier reproduce ran value-only in M's own folder under these names (analysis would find both).
          rmSync(runDir, { recursive: true, force: true });
          for (const c of m.campaigns) rmSync(join(m.dir, 'campaign', c.name), { recursive: true, force: true });
          const options = {
            model: join(m.dir, runFolderFiles.model),
            runDir: m.dir,
            format: m.format,
            limit: p.limitTest,
          };
          const job = { ...options, out: join(runDir, runFolderFiles.model), threads, quiet: o.quiet };
          await runInWorker({ kind: 'emulate', options: job, images }, name, display);
        },
      },
      stageLog,
    );
    return { runDir, hash };
  };
  /** One campaign of model `model` on the model in `target.runDir`, whose stage hash is `target.hash`. */
  const injectStage = async (model: string, target: { runDir: string; hash: string }, c: CampaignVariant) => {
    // Stratification and guards are new plan fields (contract B, D): passed only when they change the plan.
    const planExtras = {
      ...(p.stratify !== 'none' ? { stratify: p.stratify } : {}),
      ...(c.guard !== 'none' ? { guard: c.guard } : {}),
    };
    const name = `inject-${model}-${c.name}`;
    const { runDir } = target;
    await runStage(
      stamps,
      {
        name,
        inputs: {
          model: target.hash,
          format: c.format,
          perLayer: p.perLayer,
          seed: p.seed,
          limit: p.limitTest,
          rangeDetector: c.rangeDetector,
          ...planExtras,
        },
        outputs: [join(runDir, 'campaign', c.name, runFolderFiles.summary)],
        run: ({ resumable }) => {
          // Records of an attempt with these inputs are continued; a campaign planned with other settings is stale.
          if (!resumable) rmSync(join(runDir, 'campaign', c.name), { recursive: true, force: true });
          return runInWorker(
            {
              kind: 'inject',
              options: {
                model: join(runDir, runFolderFiles.model),
                runDir,
                name: c.name,
                perLayer: p.perLayer,
                format: c.format,
                seed: p.seed,
                rangeDetector: c.rangeDetector,
                limit: p.limitTest,
                threads,
                quiet: o.quiet,
                ...planExtras,
              },
              images,
            },
            name,
            display,
          );
        },
      },
      stageLog,
    );
  };
  const chains = runs.map((r, i) => async () => {
    const dir = join(out, r.name);
    const emb = r.init ? embeddings[r.init] : undefined;
    const opts = {
      backbone: p.backbone,
      head: r.head,
      dataset: p.dataset,
      dataDir: o.dataDir,
      recipe: p.recipe,
      epochs: p.epochs,
      seed: p.seed,
      limitTrain: p.limitTrain,
      limitTest: p.limitTest,
      threads,
      quiet: o.quiet,
      ...(r.head === 'text-guided' ? { embedDim } : {}),
      ...(emb ? { classEmbeddings: emb.file } : {}),
    };
    // The matrix enters by content (its embed stage's hash), not by its path under `out`: a moved run folder stays
    // current. The key is left out, not set to undefined, so a baseline's hash is what it always was.
    const { classEmbeddings: _path, ...byContent } = opts;
    const st = await runStage(
      stamps,
      {
        name: `train-${r.name}`,
        inputs: { ...byContent, quiet: undefined, threads: undefined, embeddings: emb?.hash ?? null },
        outputs: [join(dir, runFolderFiles.model), join(dir, runFolderFiles.meta)],
        run: async ({ resumable }) => {
          // A checkpoint of an attempt with these inputs is continued (an interrupted run, or outputs deleted since);
          // anything else left, from other settings, is stale.
          const resume = resumable && existsSync(join(dir, CHECKPOINT_FILE));
          if (!resume) rmSync(dir, { recursive: true, force: true });
          await runInWorker({ kind: 'train', options: { ...opts, out: dir, resume } }, `train-${r.name}`, display);
        },
      },
      stageLog,
    );
    trained[r.name] = { dir, hash: st.hash };
    // Table 3 compares initialisations in the first format; the other formats are the main pair's question.
    const variants = campaignsFor(p, r.head).filter((c) => i < 2 || c.format === p.formats[0]);
    for (const format of new Set(variants.map((c) => c.format))) {
      const own = variants.filter((c) => c.format === format);
      // A format other than fp32 runs on the model emulated in it, in a run folder of its own (formatRunDir).
      const target = wholeNetwork(format)
        ? await emulateStage({ name: r.name, dir, hash: st.hash, format, campaigns: own })
        : { runDir: dir, hash: st.hash };
      for (const c of own) await injectStage(r.name, target, c);
    }
  });
  try {
    await runChains(chains, lanes);
  } finally {
    display.close();
  }

  // Analyses and the report (cheap: always redone so the report matches the files).
  const ablations = p.ablation
    ? {
        descriptions: trained['text-guided']!.dir,
        ...(trained['text-guided-template'] ? { template: trained['text-guided-template'].dir } : {}),
        random: trained['text-guided-random']!.dir,
      }
    : undefined;
  log('analysing and writing the report');
  const analysis = await analyse({
    baseline: trained.baseline!.dir,
    textGuided: trained['text-guided']!.dir,
    ...(ablations ? { ablations } : {}),
    ...(p.camImages > 0 ? { cam: { count: p.camImages, dataDir: o.dataDir } } : {}),
    tau: p.tau,
    inputs: reproduceSettingRows(presetName, p, out),
  });
  const files = writeReport(analysis, out);
  const minutes = (Date.now() - t0) / 60000;
  const acc = (name: string) => readRunFile('meta', join(trained[name]!.dir, runFiles.meta.file)).accuracy ?? NaN;
  writeJsonAtomic(join(out, 'reproduce.json'), { preset: presetName, settings: p, minutes, inputs: hashOf(p) });
  return { out, report: files.html, minutes, accuracy: { baseline: acc('baseline'), textGuided: acc('text-guided') } };
}
