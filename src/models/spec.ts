import type { TensorData } from '../onnx/types.js';
import { TgrError } from '../core/errors.js';
import type { FinalLinear, HeadKind } from './heads.js';
import type { Net } from './nn.js';
import type { ResolvedSpec } from './resolved-spec.js';

/** What to build: a registered backbone with a head, for an input shape and a number of classes. */
export interface ModelSpec {
  /** A name in the `backbones` table, e.g. 'resnet18', 'resnet20', 'vit-tiny'. */
  backbone: string;
  head: HeadKind;
  /** One image: [C, H, W]. The graph input is `input` [N, C, H, W] float32. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Latent width E of the text-guided head (CLIP ViT-B/32's text embedding: 512). */
  embedDim?: number;
  /**
   * C×E class embeddings (row-major Float32Array, or a [C, E] tensor) initialising the projection; random when absent.
   */
  classEmbeddings?: Float32Array | TensorData<'float32'>;
  /** Seed of every initial weight (default 0). */
  seed?: number;
  /** 'train': BatchNormalization in training mode and live Dropout; 'eval' (default): inference forms. */
  mode?: 'train' | 'eval';
  /** ViT patch side (default 16 for inputs of at least 128 px, else 4); H and W must be multiples of it. */
  patchSize?: number;
}

/** What a backbone hands to the head: features [N, F] and the final Linear it would have applied. */
export interface BackboneOutput {
  features: string;
  final: FinalLinear;
}

/** A backbone family member: builds from the graph input [N, C, H, W] up to the features its final Linear reads. */
export type BackboneBuilder = (net: Net, input: string, spec: ResolvedSpec) => BackboneOutput;

/** Model metadata keys that later stages (training, fault campaigns) read. */
export const metaKeys = {
  backbone: 'tgr.backbone',
  head: 'tgr.head',
  numClasses: 'tgr.num_classes',
  inputShape: 'tgr.input_shape',
  /** JSON list of the node names forming the last layer: [final Linear] or [latent, projection]. */
  lastLayers: 'tgr.last_layers',
  embedDim: 'tgr.embed_dim',
  mode: 'tgr.mode',
  seed: 'tgr.seed',
} as const;

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks a spec at the boundary and fills defaults (the class-embedding shape is checked here too). */
export function resolveSpec(spec: ModelSpec): ResolvedSpec {
  const bad = (what: string, got: unknown, want: string) =>
    new TgrError('bad_argument', `model spec: ${what} is ${JSON.stringify(got)}; expected ${want}`, { what });
  const shape = spec.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(isPosInt))
    throw bad('inputShape', shape, '[C, H, W] of positive integers');
  if (!isPosInt(spec.numClasses)) throw bad('numClasses', spec.numClasses, 'a positive integer');
  const embedDim = spec.embedDim ?? 512;
  if (!isPosInt(embedDim)) throw bad('embedDim', embedDim, 'a positive integer');
  const mode = spec.mode ?? 'eval';
  if (mode !== 'train' && mode !== 'eval') throw bad('mode', mode, "'train' or 'eval'");
  const seed = spec.seed ?? 0;
  if (!Number.isInteger(seed)) throw bad('seed', seed, 'an integer');
  if (spec.patchSize !== undefined && !isPosInt(spec.patchSize))
    throw bad('patchSize', spec.patchSize, 'a positive integer');
  const classEmbeddings = spec.classEmbeddings && checkEmbeddings(spec.classEmbeddings, spec.numClasses, embedDim);
  return { ...spec, inputShape: [...shape], embedDim, mode, seed, classEmbeddings };
}

function checkEmbeddings(e: Float32Array | TensorData<'float32'>, classes: number, dim: number): Float32Array {
  const dims = e instanceof Float32Array ? [e.length] : e.dims;
  const data = e instanceof Float32Array ? e : e.data;
  const fits =
    e instanceof Float32Array
      ? e.length === classes * dim
      : dims.length === 2 && dims[0] === classes && dims[1] === dim;
  if (!fits || !(data instanceof Float32Array)) {
    const got = e instanceof Float32Array ? `${e.length} values` : `shape [${dims.join(', ')}]`;
    throw new TgrError(
      'shape_mismatch',
      `class embeddings: expected shape [${classes}, ${dim}] (numClasses × embedDim = ${classes * dim} values), got ${got}; ` +
        "encode one embedding per class with the head's embedDim",
      { expected: [classes, dim], actual: dims },
    );
  }
  return data;
}
