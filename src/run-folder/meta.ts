import { z } from 'zod';

/**
 * meta.json: how a trained model was made (train/run-files.ts writes it). One definition serves both sides: the
 * trainer writes every field (TrainMeta); readers accept a meta.json of an older run or a hand-made one with only some
 * of them (RunMeta), and keep fields they do not know.
 */
export const trainMetaSchema = z.object({
  dataset: z.string(),
  classNames: z.array(z.string()),
  /** One image [C, H, W] and the per-channel normalisation the model expects (applied before `input`). */
  inputShape: z.tuple([z.number(), z.number(), z.number()]),
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  backbone: z.string(),
  /** The head's name as the heads table spells it (`linear`, `text-guided`). */
  head: z.string(),
  embedDim: z.number().optional(),
  /** Where the text-guided projection's initial rows came from: `file:PATH`, an encoder id, or `random`. */
  encoder: z.string().optional(),
  /** Description source and sha256 of the descriptions in class order, when descriptions were encoded. */
  descriptions: z.string().optional(),
  descriptionsHash: z.string().optional(),
  /** sha256 of the --class-embeddings file. */
  classEmbeddingsSha256: z.string().optional(),
  recipe: z.string(),
  /** The hyper-parameters actually used (the recipe with command-line overrides applied). */
  hyper: z.record(z.string(), z.unknown()),
  seed: z.number(),
  epochs: z.number(),
  trainImages: z.number(),
  testImages: z.number(),
  /** Final top-1 on the test images, in [0, 1], with mean loss and mean Top2Diff over correct images. */
  accuracy: z.number(),
  loss: z.number(),
  top2diff: z.number(),
  /** Parameter count and multiply-accumulates per image (src/models/count.ts). */
  params: z.number(),
  macs: z.number(),
  /** Wall minutes of the whole run: a resumed run adds the earlier segments' time up to the checkpoint it continued. */
  minutes: z.number(),
  /**
   * Data-parallel replicas the steps ran on (BN statistics per share; src/train/data-parallel.ts); absent: one session.
   */
  replicas: z.number().optional(),
});

/** meta.json as readers take it: every field optional (older runs lack some), unknown fields kept. */
export const metaSchema = trainMetaSchema.partial().loose();

/** meta.json as `tgr train` writes it. */
export type TrainMeta = z.infer<typeof trainMetaSchema>;

/** meta.json as analysis and the CLI read it. */
export type RunMeta = z.infer<typeof metaSchema>;
