import { check } from '../core/errors.js';
import { loadModel } from '../onnx/proto-io.js';
import type { Model } from '../onnx/types.js';
import { ablationTable, type AblationRuns } from './ablation.js';
import { camFigure, defaultCamSettings, type CamFigure, type CamInput, type CamSettings } from './cam/cam-figure.js';
import { loadCamImages } from './cam/cam-images.js';
import { compareRuns, type Comparison } from './compare.js';
import { fitSection } from './fit-section.js';
import { goldenInputs } from './golden-inputs.js';
import { campaignGolden, readRun, type RunDir } from './run-dir.js';
import { significance, type BootstrapOptions, type Significance } from './significance.js';
import { defaultRawFitPerMbit } from './stats/fit.js';
import { checkSmallValueFlips } from './stats/small-value-flips.js';
import { Rng } from '../core/rng.js';
import { valueRanges } from './value-ranges.js';
import { verdict } from './verdict.js';
import { guardSection } from './guard-section.js';
import { formatsSection } from './formats-section.js';
import type { AnalysisFile, Settings } from '../run-folder/analysis.js';

export type { Settings } from '../run-folder/analysis.js';

/** What `analyse` is asked: two run folders on the same data, and the optional extras. */
export interface AnalyseRequest {
  baseline: string;
  textGuided: string;
  /**
   * Text-guided runs differing only in the projection initialisation (Table 3); `descriptions` defaults to textGuided.
   */
  ablations?: AblationRuns;
  /**
   * Ablation-CAM (Fig. 2): explicit images (model inputs), or `count` images picked from the golden runs and loaded
   * from the dataset (`dataDir` as for training); omitted or 0: no CAM figure.
   */
  cam?: { images?: CamInput[]; count?: number; dataDir?: string } & Partial<CamSettings>;
  /** Raw upset rate for FIT estimates (FIT/Mbit). */
  rawFitPerMbit?: number;
  /** Critical-fault thresholds τ of the verdict's P(ΔLoss > τ) (default 0.1, 1, 10). */
  tau?: number[];
  bootstrap?: BootstrapOptions;
  /**
   * What the caller was asked (e.g. `tgr reproduce`'s flags), shown first in the Settings table; paths already
   * shortened.
   */
  inputs?: { setting: string; value: string }[];
}

/** Everything the report shows, as written to analysis.json (its schema's shape, without the old-file marker). */
export type Analysis = Omit<AnalysisFile, 'analysisVersion'>;

function runModel(run: RunDir): Model {
  check(
    run.modelPath,
    'bad_file',
    () =>
      `${run.dir}/model.onnx is missing; Ablation-CAM needs the trained model — run 'tgr train', or skip the figure with --cam-images 0`,
  );
  return loadModel(run.modelPath);
}

function settingsOf(
  c: Comparison,
  s: Significance,
  cam: CamFigure | null,
  raw: number,
  inputs: Settings['inputs'],
): Settings {
  return {
    dataset: c.dataset,
    split: c.split,
    images: c.baseline.images,
    backbone: c.backbone,
    formats: c.formats.map((f) => f.format),
    campaigns: c.formats.flatMap((f) =>
      (['baseline', 'textGuided'] as const).map((model) => {
        const r = f[model];
        return {
          model,
          campaign: r.campaign,
          format: r.format,
          errorModel: r.errorModel,
          target: r.target,
          rangeDetector: r.rangeDetector,
          perLayer: r.perLayer,
          seed: r.seed,
          stratify: r.stratify,
          ...(r.guard ? { guard: r.guard } : {}),
          ...(r.leftOut ? { leftOut: r.leftOut } : {}),
          source: r.source,
        };
      }),
    ),
    trainingSeeds: { baseline: c.baseline.seed, textGuided: c.textGuided.seed },
    encoder: c.textGuided.encoder,
    descriptions: c.textGuided.descriptions,
    bootstrap: { resamples: s.bootstrap.resamples, seed: s.bootstrap.seed },
    cam: cam && { flips: cam.flips, seed: cam.seed, bits: cam.bits, measure: cam.measure, bound: cam.bound },
    rawFitPerMbit: raw,
    inputs,
  };
}

/** Runs every analysis of the paper on a baseline and a text-guided run folder (the `tgr reproduce` entry point). */
export async function analyse(req: AnalyseRequest): Promise<Analysis> {
  const baseline = readRun(req.baseline);
  const textGuided = readRun(req.textGuided);
  const comparison = compareRuns(baseline, textGuided, req.tau ? { tau: req.tau } : {});
  const sig = significance(baseline.golden, textGuided.golden, req.bootstrap);
  const raw = req.rawFitPerMbit ?? defaultRawFitPerMbit;
  const primary = comparison.formats[0];
  const fit = primary
    ? fitSection(
        { campaign: primary.baseline, layers: campaignGolden(baseline, primary.format).layers },
        { campaign: primary.textGuided, layers: campaignGolden(textGuided, primary.format).layers },
        raw,
      )
    : null;
  const { images: given, count = 0, dataDir, ...camSettings } = req.cam ?? {};
  // `count` images are drawn; the similarity beside them is measured over at least `measure` (the first drawn).
  const measure = Math.max(count, camSettings.measure ?? defaultCamSettings.measure);
  const images =
    given ?? (count > 0 ? await loadCamImages(baseline, textGuided, measure, dataDir ? { dataDir } : {}) : []);
  const cam = images.length
    ? await camFigure(runModel(baseline), runModel(textGuided), images, { ...camSettings, measure, show: count || 3 })
    : null;
  return {
    comparison,
    verdict: verdict(comparison.formats),
    significance: sig,
    valueRanges: valueRanges(baseline.golden, textGuided.golden),
    fit,
    // The main text-guided run is the descriptions row unless another run is named for it.
    ablation:
      req.ablations && Object.keys(req.ablations).length
        ? ablationTable(baseline, { descriptions: req.textGuided, ...req.ablations })
        : null,
    cam,
    guard: guardSection(baseline, textGuided),
    formats: formatsSection(baseline, textGuided, comparison.formats),
    // 16 mantissas per exponent: 4,864 values per bit, 50 ms; the stats tests run the larger check.
    smallValues: {
      bound: 2,
      mantissasPerExponent: 16,
      seed: 0,
      bits: checkSmallValueFlips(new Rng(0), { mantissasPerExponent: 16 }),
    },
    settings: {
      ...settingsOf(comparison, sig, cam, raw, req.inputs ?? []),
      goldenInputs: goldenInputs(baseline, textGuided),
    },
  };
}
