import { z } from 'zod';
import { planStrataSchema } from '../run-folder/plan.js';
import { intervalEstimateSchema, leftOutSchema, summarySchema } from '../run-folder/summary.js';

/*
 * The documents `--json` prints (json-output.ts), one schema per command: the types are inferred from them, tests
 * parse every printed document with them (strict objects, so a field added to a value but not here fails), and
 * docs/json-schema/COMMAND.schema.json is their JSON Schema (`npm run json-schemas`). summary.json's and plan.json's
 * parts are the run folder's own schemas.
 */

/** A number JSON carries as null when it is NaN (undefined) or ±∞ (unbounded), as summary.json does. */
const measured = z
  .number()
  .nullable()
  .transform((v) => v ?? NaN);
const count = z.number().int().min(0);
const header = <C extends string>(command: C) => ({ tgr: z.string(), command: z.literal(command) });

const inspectSchema = z.strictObject({
  ...header('inspect'),
  /** The .onnx file as resolved from the argument. */
  model: z.string(),
  sha256: z.string(),
  head: z.string(),
  backbone: z.string().nullable(),
  input: z.strictObject({ name: z.string(), shape: z.tuple([count, count, count]) }),
  output: z.strictObject({ name: z.string(), classes: count }),
  layers: z.array(
    z.strictObject({
      name: z.string(),
      opType: z.string(),
      shape: z.array(count),
      neurons: count,
      /** Elements of the constant weight; null when the layer has none. */
      weights: count.nullable(),
      lastLayer: z.boolean(),
      /** The node's own output shape when the batch is elsewhere ('N', 'N*c'…); null when batch-major. */
      layout: z.array(z.union([z.number(), z.string()])).nullable(),
    }),
  ),
  leftOut: z.array(leftOutSchema),
});

const cost = z.strictObject({ params: count, macs: count });
const modelsSchema = z.strictObject({
  ...header('models'),
  dataset: z.string(),
  inputShape: z.tuple([count, count, count]),
  numClasses: count,
  embedDim: count,
  backbones: z.array(
    z.union([
      z.strictObject({ backbone: z.string(), linear: cost, textGuided: cost }),
      z.strictObject({ backbone: z.string(), unavailable: z.string() }),
    ]),
  ),
});

/** One row of `tgr plan`'s table (summary-table.ts planLayerRows). */
const planLayerRowSchema = z.strictObject({
  layer: z.string(),
  elements: count,
  population: z.number(),
  n: count,
  margin: measured,
  nForMargin: count.nullable(),
});

const planSchema = z.strictObject({
  ...header('plan'),
  run: z.string(),
  campaign: z.string(),
  files: z.strictObject({ golden: z.string(), plan: z.string() }),
  settings: z.strictObject({
    perLayer: count,
    injections: count,
    target: z.string(),
    format: z.string(),
    errorModel: z.string(),
    seed: count,
    rangeDetector: z.boolean(),
    guard: z.string(),
    guardDeltaLossBound: measured.nullable(),
    stratify: z.string(),
    strata: planStrataSchema.nullable(),
  }),
  dataset: z.object({ name: z.string(), split: z.string() }),
  pool: count,
  units: count,
  confidence: z.number(),
  targetMargin: z.number().nullable(),
  layers: z.array(planLayerRowSchema),
  leftOut: z.array(leftOutSchema),
});

/** Where a campaign's files are, relative to the run folder; the summaries are null for a shard of several. */
const campaignFilesSchema = z.strictObject({
  plan: z.string(),
  faults: z.string(),
  summary: z.string().nullable(),
  summaryCsv: z.string().nullable(),
});

const campaign = {
  run: z.string(),
  campaign: z.string(),
  files: campaignFilesSchema,
  /** summary.json's content with `model` relative to the run. */
  summary: summarySchema.nullable(),
};

const injectSchema = z.strictObject({
  ...header('inject'),
  ...campaign,
  shard: z.strictObject({ index: count, count: count }).nullable(),
  jobs: count.nullable(),
  injections: z.strictObject({
    sites: count,
    resumed: count.nullable(),
    paths: z.record(z.string(), count).nullable(),
    seconds: z.number(),
  }),
});

const mergeSchema = z.strictObject({ ...header('merge'), ...campaign, shards: count, records: count });

const ratioEstimateSchema = z.strictObject({
  ratio: measured,
  lower: measured,
  upper: measured,
  method: z.string(),
  bounds: z.enum(['two-sided', 'one-sided', 'unbounded']),
});

/** A verdict row (analysis/metric-ratios.ts MetricRatio). */
const metricRatioSchema = z.strictObject({
  metric: z.enum(['sdc', 'due', 'critical', 'deltaLoss']),
  tau: z.number().optional(),
  label: z.string(),
  scope: z.enum(['lastLayer', 'overall']),
  baseline: intervalEstimateSchema,
  textGuided: intervalEstimateSchema,
  ratio: ratioEstimateSchema,
  side: z.enum(['above 1', 'below 1', 'straddles 1']),
});

const comparedModel = z.strictObject({ run: z.string(), head: z.string(), accuracy: z.number(), images: count });

const compareSchema = z.strictObject({
  ...header('compare'),
  out: z.string(),
  files: z.strictObject({ analysisJson: z.string(), html: z.string() }),
  verdict: z.strictObject({ reproduced: z.enum(['yes', 'partly', 'no', 'unknown']), sentence: z.string() }),
  models: z.strictObject({ baseline: comparedModel, textGuided: comparedModel }),
  campaigns: z.array(
    z.strictObject({
      campaign: z.string(),
      metrics: z.array(metricRatioSchema),
      layers: z.array(z.strictObject({ layer: z.string(), improvement: ratioEstimateSchema })),
    }),
  ),
});

/** Every command's document schema, by command. */
export const jsonDocumentSchemas = {
  inspect: inspectSchema,
  models: modelsSchema,
  plan: planSchema,
  inject: injectSchema,
  merge: mergeSchema,
  compare: compareSchema,
};

/** A command that has `--json`. */
export type JsonCommand = keyof typeof jsonDocumentSchemas;

export type InspectJson = z.infer<typeof inspectSchema>;
export type ModelsJson = z.infer<typeof modelsSchema>;
export type PlanJson = z.infer<typeof planSchema>;
export type CampaignFiles = z.infer<typeof campaignFilesSchema>;
export type InjectJson = z.infer<typeof injectSchema>;
export type MergeJson = z.infer<typeof mergeSchema>;
export type CompareJson = z.infer<typeof compareSchema>;
/** Any command's document. */
export type JsonDocument = InspectJson | ModelsJson | PlanJson | InjectJson | MergeJson | CompareJson;

/** The JSON Schema (draft 2020-12) of a command's document, as docs/json-schema/COMMAND.schema.json holds it. */
export function jsonSchemaOf(command: JsonCommand): Record<string, unknown> {
  return {
    ...z.toJSONSchema(jsonDocumentSchemas[command], { io: 'input', target: 'draft-2020-12', reused: 'ref' }),
    title: `tgr ${command} --json`,
  };
}
