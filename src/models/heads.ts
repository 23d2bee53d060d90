import { f32, scalar } from '../onnx/tensor.js';
import { TgrError } from '../core/errors.js';
import type { Net } from './nn.js';
import type { ResolvedSpec } from './resolved-spec.js';
import type { DeclaresOptions, OptionSpecs } from '../core/option-spec.js';
import { torchDefault, type Init } from './init.js';

/**
 * The backbone's last Linear as torchvision names and initialises it, handed to the head: the linear head builds it,
 * the text-guided one replaces it.
 */
export interface FinalLinear {
  /** Module name, e.g. 'fc', 'classifier.6', 'classifier.1', 'heads.head'. */
  name: string;
  weightInit: Init;
  /** null: nn.Linear(bias=False), as MaxViT's `classifier.5`. */
  biasInit: Init | null;
}

/** What a head produces: the logits tensor [N, C] and the node names forming the model's last layer. */
export interface HeadOutput {
  logits: string;
  lastLayers: string[];
}

/** A head turns backbone features [N, F] into logits [N, C]. */
export type HeadBuilder = (net: Net, features: string, final: FinalLinear, spec: ResolvedSpec) => HeadOutput;

/** The baseline: the backbone's own final Linear, named and initialised as torchvision does. */
export const linearHead: HeadBuilder = (net, features, final, spec) => {
  const fc = net.linear(features, final.name, spec.numClasses, final.weightInit, final.biasInit);
  return { logits: fc, lastLayers: [final.name] };
};

/** ln(1/0.07): CLIP's initial temperature, as DESIGN.md's text-guided head starts from. */
export const initialLogitScale = Math.log(1 / 0.07);

/**
 * The text-guided head (DESIGN.md): f = Linear(F→E)(features) as `head.latent`; f̂ = f/‖f‖; logits = exp(s)·f̂·Pᵀ
 * with P (C×E, no bias) as `head.projection` and s = `head.logit_scale`. The latent Linear gets nn.Linear's default
 * init whatever the backbone's last Linear uses (ViT zeroes its head, which would make f̂ undefined).
 */
export const textGuidedHead: HeadBuilder = (net, features, _final, spec) => {
  const E = spec.embedDim;
  const F = net.channels(features);
  const latent = net.linear(features, 'head.latent', E, torchDefault(F), torchDefault(F));
  const unit = net.b.l2Normalize(latent, -1, { name: 'head.normalize' });
  const P = net.paramTensor('head.projection.weight', projectionInit(net, spec));
  const proj = net.b.gemm(unit, P, undefined, { name: 'head.projection', transB: 1 });
  const s = net.paramTensor('head.logit_scale', scalar(initialLogitScale));
  const logits = net.b.mul(net.b.exp(s, { name: 'head.logit_scale.exp' }), proj, { name: 'head.logits' });
  return { logits, lastLayers: ['head.latent', 'head.projection'] };
};

/**
 * P's rows: the given class embeddings L2-normalised, or (absent) standard-normal draws normalised to the unit sphere.
 */
function projectionInit(net: Net, spec: ResolvedSpec) {
  const C = spec.numClasses;
  const E = spec.embedDim;
  const rng = net.rngFor('head.projection.weight');
  if (!spec.classEmbeddings && !rng) return f32([C, E], new Float32Array(C * E));
  const data = spec.classEmbeddings
    ? Float32Array.from(spec.classEmbeddings)
    : Float32Array.from({ length: C * E }, () => rng!.normal());
  for (let c = 0; c < C; c++) {
    const row = data.subarray(c * E, (c + 1) * E);
    let ss = 0;
    for (const v of row) ss += v * v;
    const norm = Math.sqrt(ss);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new TgrError(
        'bad_argument',
        `class embeddings: row ${c} has norm ${norm}; every class needs a non-zero finite embedding`,
        { row: c },
      );
    }
    for (let i = 0; i < E; i++) row[i]! /= norm;
  }
  return f32([C, E], data);
}

/** A registered head: how it is built and the spec fields it reads beyond the shared ones, declared for the CLI. */
export interface Head extends DeclaresOptions {
  summary: string;
  options: OptionSpecs<Pick<ResolvedSpec, 'embedDim'>>;
  build: HeadBuilder;
}

/** Every head, by the name a ModelSpec uses. Adding one: its builder and a line here. */
export const heads = {
  linear: { name: 'linear', summary: "the backbone's own final Linear (the baseline)", options: {}, build: linearHead },
  'text-guided': {
    name: 'text-guided',
    summary: 'Linear to a unit-norm latent E, scaled cosine against class embeddings P (DESIGN.md)',
    options: {
      embedDim: {
        flag: 'embed-dim',
        arg: 'n',
        value: { kind: 'integer', min: 1, max: 65_536 },
        help: "latent width E (default 512, or in tgr train the class-embedding file's E)",
      },
    },
    build: textGuidedHead,
  },
} satisfies Record<string, Head>;

/** A head's name, as ModelSpec, meta.json and the CLI spell it. */
export type HeadKind = keyof typeof heads;
