import type { Command } from 'commander';
import { splitNames } from '../../data/dataset.js';
import { datasets } from '../../data/registry.js';
import { targets, type Target } from '../../faults/plan/plan.js';
import { errorModel, errorModels } from '../../faults/error-models/registry.js';
import { formatFamilies, numberFormat, numberFormats } from '../../faults/formats/registry.js';
import { guardKinds, guards } from '../../faults/run/guard.js';
import { parseCrop, parseNormalize } from '../../data/transform-fit.js';
import {
  allocationChoices,
  allocations,
  stratifications,
  stratifyChoices,
  type Allocation,
  type Stratify,
} from '../../faults/plan/strata.js';
import type { CliCommand } from '../command.js';
import { check } from '../../core/errors.js';
import { defaultMaxRounds, defaultPilot, maxGrowth } from '../../faults/plan/rounds.js';
import { intervalLabel } from '../../stats/sequential-level.js';
import {
  count,
  file,
  integer,
  folder,
  images,
  maxPerLayer,
  name,
  nameList,
  number,
  oneOf,
  outFolder,
  path,
  seed,
  spec,
  threads,
} from '../option-parsers.js';
import { choicesHelp, specHelp } from '../registry-options.js';
import { shapeOption } from './inspect.js';
import { jsonHelp, planJson, printResult } from '../json-output.js';

/** The options `tgr plan` and `tgr inject` share: what to run on, and the plan's settings. */
export function campaignOptions(cmd: Command): Command {
  return cmd
    .argument('<run>', 'runs/NAME (model.onnx + meta.json), or a .onnx file', path())
    .option('--dataset <name>', "evaluation images (default: the run's training dataset)", oneOf(Object.keys(datasets)))
    .option('--data-dir <dir>', 'folder holding the dataset files', folder())
    .option('--split <split>', splitNames.join(' | '), oneOf(splitNames), 'test')
    .option('--images <n>', 'golden pass over N images spread evenly over the split (default all)', images())
    .option('--input-shape <C,H,W>', 'image shape, when the model file does not fix it', shapeOption)
    .option(
      '--normalize <how>',
      "after fitting: imagenet | none | MEAN,STD | M1,…,Mc,S1,…,Sc (default: the dataset's own)",
      spec(parseNormalize),
    )
    .option('--resize <n>', 'shorter side before the centre crop (default: the larger crop side)', count(65_536))
    .option('--crop <S|H,W>', "centre crop (default: the model's H×W)", spec(parseCrop))
    .option(
      '--class-list <file>',
      "the model's classes, one name or synset per line (line i = class i): maps the dataset's class names onto them",
      file(),
    )
    .option(
      '--out <dir>',
      'run directory for golden.json and campaign/ (default: the run, or the model’s folder)',
      outFolder(),
    )
    .option('--per-layer <n>', 'injections per layer', count(maxPerLayer), 4096)
    .option(
      '--format <name>',
      specHelp(numberFormats, formatFamilies),
      spec((v) => (numberFormat(v), v)),
      'fp32',
    )
    .option(
      '--error-model <spec>',
      specHelp(errorModels),
      spec((v) => (errorModel(v), v)),
      'bit-flip',
    )
    .option('--target <what>', targets.join(' | '), oneOf(targets), 'neurons')
    .option('--layers <names>', 'comma-separated layer names (default: every injectable layer)', nameList())
    .option('--seed <n>', 'plan seed', seed(), 0)
    .option(
      '--range-detector',
      "clamp faulty and downstream layer values to the layer's profiled ±max (GoldenEye's detector)",
    )
    .option(
      '--guard <kind>',
      `${choicesHelp(guards)}; a logit beyond it or NaN is detected (a DUE)`,
      oneOf(guardKinds),
      'none',
    )
    .option('--stratify <how>', choicesHelp(stratifications), oneOf(stratifyChoices), 'none')
    .option('--allocation <how>', `with --stratify bit: ${choicesHelp(allocations)}`, oneOf(allocationChoices))
    .option(
      '--pilot <n>',
      `with --allocation neyman or --halfwidth: pilot sites per layer (at least 2 per bit; --halfwidth default ${defaultPilot})`,
      count(maxPerLayer),
    )
    .option(
      '--halfwidth <w>',
      "sample each layer until the half-width of its mismatch and critical (ΔLoss > 1) rates is at most w, in rounds after a pilot; the rounds stop on and report intervals at a level γ ≥ 99% chosen so the whole procedure covers 99% (docs/ARCHITECTURE.md); --per-layer then caps a layer's sites",
      number(0, 0.5, true),
    )
    .option(
      '--max-rounds <n>',
      `with --halfwidth: top-up rounds after the pilot at most (default ${defaultMaxRounds}); a round grows a layer at most ×${maxGrowth}, or more where that many rounds could not reach --per-layer`,
      integer(0, 1000),
    )
    .option('--batch <n>', 'faults per suffix batch', count(65_536), 128)
    .option('--name <name>', 'campaign folder under campaign/ (default: the format)', name())
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: all cores)', threads())
    .option('--quiet', 'no progress output')
    .option('--json', jsonHelp);
}

/** Maps parsed options onto CampaignOptions fields (everything but model, images and runDir). */
export function campaignSettings(o: Record<string, unknown>) {
  return {
    perLayer: o.perLayer as number,
    format: o.format as string,
    errorModel: o.errorModel as string,
    target: o.target as Target,
    seed: o.seed as number,
    rangeDetector: Boolean(o.rangeDetector),
    guard: (o.guard ?? 'none') as string,
    stratify: (o.stratify ?? 'none') as Stratify,
    ...(o.allocation ? { allocation: o.allocation as Allocation } : {}),
    ...(o.pilot ? { pilot: o.pilot as number } : {}),
    ...(o.halfwidth !== undefined ? { halfwidth: o.halfwidth as number } : {}),
    ...(o.maxRounds !== undefined ? { maxRounds: o.maxRounds as number } : {}),
    batchSize: o.batch as number,
    ...(o.layers ? { layers: o.layers as string[] } : {}),
    ...(o.name ? { name: o.name as string } : {}),
    ...(o.images ? { limit: o.images as number } : {}),
    ...(o.inputShape ? { inputShape: o.inputShape as number[] } : {}),
    ...(o.threads ? { threads: o.threads as number } : {}),
    quiet: Boolean(o.quiet),
  };
}

/** `tgr plan RUN`: golden pass if needed, writes campaign/NAME/plan.json, prints the sample-size table. */
export const plan: CliCommand = {
  name: 'plan',
  summary: 'plan a fault campaign (seeded sites) and print the margin of error each layer’s n buys',
  configure: (cmd) =>
    campaignOptions(cmd).option(
      '--margin <e>',
      'also print the n each layer needs for ±e (a proportion, e.g. 0.01)',
      number(0, 1, true),
    ),
  async run(args, opts) {
    const { resolveRunTarget, openImages } = await import('../run-target.js');
    const { prepareGolden, preparePlan } = await import('../../faults/campaign.js');
    const { planTable, planLayerRows } = await import('../summary-table.js');
    const { defaultConfidence } = await import('../../stats/confidence.js');
    const target = resolveRunTarget(args[0]!, opts.out as string | undefined);
    const images = await openImages(target, opts as { dataset?: string; split?: string; dataDir?: string });
    const margin = opts.margin as number | undefined;
    try {
      const o = { ...campaignSettings(opts), model: target.model, images, runDir: target.runDir };
      if (o.halfwidth !== undefined) return await planPrecision(o, Boolean(opts.json));
      await printResult(
        opts.json,
        async () => {
          const { classifier, golden } = await prepareGolden(o);
          return preparePlan(o, classifier, golden);
        },
        {
          text: ({ dir, plan: p }) => `${dir}/plan.json\n${planTable(p, margin)}`,
          json: ({ dir, plan: p }) =>
            planJson(target.runDir, dir, p, planLayerRows(p, margin), defaultConfidence, margin),
        },
      );
    } finally {
      await images.close?.();
    }
  },
};

/**
 * `tgr plan --halfwidth`: the pilot round run, the first top-up planned; per layer what the pilot saw and the n
 * planned.
 */
async function planPrecision(
  o: import('../../faults/campaign-options.js').CampaignOptions,
  json: boolean,
): Promise<void> {
  check(
    !json,
    'bad_argument',
    () => '--json does not describe a --halfwidth plan yet; drop --json (tgr inject --json does)',
  );
  const { prepareGolden } = await import('../../faults/campaign.js');
  const { planToPrecision } = await import('../../faults/plan/precision.js');
  const { roundsProgress } = await import('../../faults/plan/rounds.js');
  const { classifier, golden } = await prepareGolden(o);
  const { options, rounds } = await planToPrecision(o, classifier, golden);
  const pilot = rounds.filter((r) => r.round === 0);
  const next = rounds.find((r) => r.round > 0);
  const lines = [
    `${options.dir}/rounds/: target ±${options.halfwidth} (${intervalLabel(rounds[0]?.plan.level)}) on mismatch and critical (ΔLoss > 1) rates`,
  ];
  if (pilot.length === 0) lines.push('rounds already past the pilot: tgr inject with the same options resumes them');
  else {
    const p = roundsProgress(
      pilot,
      pilot[0]!.plan.layers.map((l) => l.name),
    );
    lines.push('layer | pilot n | ± mismatch | ± critical | round 1 n');
    for (const l of pilot[0]!.plan.layers) {
      const g = p.get(l.name)!;
      const more = next?.plan.layers.find((x) => x.name === l.name)?.sites ?? 0;
      lines.push(
        `${l.name} | ${l.sites} | ${g.halfwidth.mismatch.toFixed(4)} | ${g.halfwidth.critical.toFixed(4)} | ${more ? l.sites! + more : 'done'}`,
      );
    }
  }
  console.log(lines.join('\n'));
}
