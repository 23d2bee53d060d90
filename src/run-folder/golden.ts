import { z } from 'zod';

/**
 * golden.json: the fault-free run of a model over a dataset split (faults/run/golden.ts writes it). Per-image arrays
 * are aligned with `indices`; they are plain number arrays so a 10,000-image file validates in milliseconds.
 */

/** One layer that faults can land in: the output of a Conv, Gemm or MatMul node. */
export const layerProfileSchema = z.object({
  /** Node name (e.g. `layer1.0.conv1`, `head.latent`). */
  name: z.string(),
  /** The tensor the node outputs (where the fault lands). */
  tensor: z.string(),
  opType: z.string(),
  /** Per-image shape (batch dimension dropped). */
  shape: z.array(z.number()),
  /** Elements per image (the layer's neuron count). */
  neurons: z.number(),
  /** Max |activation| over the profiled images (the range detector's bound and the int8 scale). */
  maxAbs: z.number(),
  /** Mean |activation| over the profiled images. */
  meanAbs: z.number(),
});

/** How a golden pass's labels were mapped onto the model's classes (data/label-map.ts LabelMapRecord). */
export const labelMapSchema = z.object({
  how: z.enum(['class-list', 'synset-order']),
  file: z.string().optional(),
  sha256: z.string().optional(),
  classes: z.number(),
  map: z.record(z.string(), z.number()),
});

/** The images a golden pass (and a plan drawn from it) ran on. */
export const datasetSchema = z.object({
  name: z.string(),
  split: z.string(),
  fit: z.string().optional(),
  labelMap: labelMapSchema.optional(),
});

/** golden.json's shape. */
export const goldenSchema = z
  .object({
    /** `emulated`: the format every layer is held in (`tgr emulate`'s model metadata), absent for a plain model. */
    model: z.object({
      path: z.string(),
      sha256: z.string(),
      head: z.string(),
      backbone: z.string().optional(),
      emulated: z.string().optional(),
    }),
    /**
     * `fit`: how images were fitted to the model's input (describeFit's line), when they were; `labelMap`: how dataset
     * labels were mapped onto the model's class indices (--class-list, synset order), when they were.
     */
    dataset: datasetSchema,
    /** Dataset indices of the evaluated images. */
    indices: z.array(z.number()).min(1),
    labels: z.array(z.number()),
    /** Top-1 prediction per image. */
    preds: z.array(z.number()),
    /** Cross-entropy against the label per image. */
    losses: z.array(z.number()),
    /** (p1 − p2)·100 from the softmax per image. */
    top2diff: z.array(z.number()),
    accuracy: z.number(),
    /** Layers in graph order, with value ranges profiled on the same images. */
    layers: z.array(layerProfileSchema),
    /** Node names forming the model's last layer (baseline: [final Linear]; text-guided: [latent, projection]). */
    lastLayers: z.array(z.string()),
    /** Softmax class count. */
    numClasses: z.number().int(),
    /** Max |score| per class over the images (the profiled guard's bounds); absent in golden.json of older tgr. */
    scoreMaxAbs: z.array(z.number()).optional(),
    /**
     * Small per-image tensors kept from this pass (the scores, last layers and their inputs), so campaigns on those
     * layers need no forward pass: `file` (next to golden.json) holds, tensor after tensor, float32 rows aligned with
     * `indices`, `size` values per image each.
     */
    activations: z
      .object({ file: z.string(), tensors: z.array(z.object({ name: z.string(), size: z.number() })) })
      .optional(),
  })
  // The per-image arrays are read by position: a short one would misalign every image after it.
  .superRefine((g, ctx) => {
    for (const k of ['labels', 'preds', 'losses', 'top2diff'] as const)
      if (g[k].length !== g.indices.length)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${g[k].length} entries, but indices has ${g.indices.length}`,
        });
  });

/** One profiled layer of golden.json. */
export type LayerProfile = z.infer<typeof layerProfileSchema>;

/** The fault-free run of a model over a dataset split, as golden.json holds it. */
export type GoldenRun = z.infer<typeof goldenSchema>;
