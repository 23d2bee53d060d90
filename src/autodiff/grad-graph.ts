import { GraphBuilder } from '../onnx/builder.js';
import type { DType, Shape, TensorData } from '../onnx/types.js';
import { attr } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import type { ConvGradWForm } from './conv-grad-forms.js';

/** Which gradient forms to emit: measured fastest per case ('fast'), or the textbook ones ('plain', for tests). */
export type GradPaths = 'fast' | 'plain';

/** A training-mode BatchNormalization's batch statistics as the forward computed them (see prepare.ts). */
export interface BatchStats {
  /** x − batch mean. */
  xc: string;
  /** Biased batch variance, keepdims ([1, C, 1, …]). */
  variance: string;
}

/**
 * How gradients are emitted: the paths, and optionally one Conv weight-gradient form forced everywhere (benchmarks).
 */
export interface GradOptions {
  paths?: GradPaths;
  convGradW?: ConvGradWForm;
  /** The intra-op threads the graph will run with (default 1): ORT splits some forms across threads and not others. */
  threads?: number;
}

const floatArrays = { float32: Float32Array, float64: Float64Array } as const;

function floatTensor(dtype: DType, dims: number[], values: ArrayLike<number>): TensorData {
  invariant(dtype === 'float32' || dtype === 'float64', `a float constant of type ${dtype}`);
  return { dtype, dims, data: floatArrays[dtype].from(values) } as TensorData;
}

/**
 * A GraphBuilder with the few extra helpers gradient rules share: constants in a tensor's own dtype (so the same
 * rules emit float64 graphs for tests), broadcast reduction, counts of possibly symbolic dimensions.
 */
export class GradGraph extends GraphBuilder {
  constructor(name: string, opts: GradOptions & { opset?: number } = {}) {
    super(name, opts);
    this.paths = opts.paths ?? 'fast';
    this.convGradW = opts.convGradW;
    this.threads = opts.threads ?? 1;
  }
  readonly paths: GradPaths;
  readonly convGradW: ConvGradWForm | undefined;
  readonly threads: number;
  /** Batch statistics of written-out training BatchNormalization nodes, by node name (the backward reuses them). */
  readonly batchStats = new Map<string, BatchStats>();

  /** The element type of a tensor built so far. */
  dtype(t: string): DType {
    return this.info(t).dtype;
  }

  /** A constant tensor with `like`'s element type (float32 or float64). */
  constLike(like: string, dims: number[], values: ArrayLike<number>): string {
    return this.constant(floatTensor(this.dtype(like), dims, values));
  }

  /** A scalar constant with `like`'s element type. */
  scalar(v: number, like: string): string {
    return this.constLike(like, [], [v]);
  }

  /** The value of a constant input (an initializer), as numbers; undefined when it is computed at run time. */
  constValue(t: string): number[] | undefined {
    const g = this.initializerValue(t);
    return g ? Array.from(g.data as ArrayLike<number | bigint>, Number) : undefined;
  }

  /** Static dimensions of a tensor; fails when one is symbolic. */
  staticShape(t: string): number[] {
    const s = this.shape(t);
    invariant(
      s.every((d) => typeof d === 'number'),
      `'${t}' has symbolic shape [${s}] where a static one is needed`,
    );
    return s as number[];
  }

  /** Zeros shaped like `x` (ConstantOfShape of its run-time shape). */
  zerosLike(x: string): string {
    const value = attr.tensor(floatTensor(this.dtype(x), [1], [0]));
    const z = this.node('ConstantOfShape', [this.node('Shape', [x])[0]!], { value })[0]!;
    return this.refineShape(z, this.shape(x));
  }

  /** `t` broadcast to `x`'s shape (constant target where `x`'s broadcast dims are static). */
  expandLike(t: string, x: string): string {
    const xs = this.shape(x);
    const ts = this.shape(t);
    const lead = xs.length - ts.length;
    const target = xs.map((d, i) => (i >= lead && ts[i - lead] === d ? 1 : d));
    if (target.every((d) => typeof d === 'number')) return this.expand(t, target as number[]);
    return this.refineShape(this.node('Expand', [t, this.node('Shape', [x])[0]!])[0]!, xs);
  }

  /** `g` summed over the axes along which a tensor of shape `target` was broadcast to it. */
  sumTo(g: string, target: Shape): string {
    const gs = this.shape(g);
    const lead = gs.length - target.length;
    invariant(lead >= 0, `gradient '${g}' [${gs}] has lower rank than its input [${target}]`);
    const axes = gs.flatMap((d, i) => (i < lead || (target[i - lead] === 1 && d !== 1) ? [i] : []));
    if (axes.length === 0) return g;
    const r = this.reduceSum(g, axes, 1);
    return lead > 0 ? this.squeeze(r, [...Array(lead).keys()]) : r;
  }

  /** `t` reshaped to `x`'s shape (static dims as numbers, one symbolic dim as -1, else the run-time shape). */
  reshapeLike(t: string, x: string): string {
    const xs = this.shape(x);
    const sym = xs.filter((d) => typeof d !== 'number').length;
    if (sym <= 1)
      return this.refineShape(
        this.reshape(
          t,
          xs.map((d) => (typeof d === 'number' ? d : -1)),
        ),
        xs,
      );
    return this.refineShape(this.node('Reshape', [t, this.node('Shape', [x])[0]!])[0]!, xs);
  }

  /** The number of elements along `axes` of `x` as a scalar of `x`'s type (computed at run time if symbolic). */
  count(x: string, axes: number[]): string {
    const s = this.shape(x);
    const dims = axes.map((a) => s[a < 0 ? a + s.length : a]!);
    if (dims.every((d) => typeof d === 'number'))
      return this.scalar(
        (dims as number[]).reduce((p, d) => p * d, 1),
        x,
      );
    const shape = this.cast(this.node('Shape', [x])[0]!, this.dtype(x));
    return this.node('ReduceProd', [this.gather(shape, this.ints(axes))], { keepdims: attr.int(0) })[0]!;
  }

  /** Swaps the last two axes. */
  transposeLast(t: string): string {
    const r = this.shape(t).length;
    return this.transpose(t, [...Array(r - 2).keys(), r - 1, r - 2]);
  }

  /** A per-channel vector [C] reshaped to broadcast over [N, C, ...spatial] of rank `rank`. */
  perChannel(v: string, rank: number): string {
    return this.unsqueeze(
      v,
      [...Array(rank - 2).keys()].map((i) => i + 1),
    );
  }

  /** Zero-pads `t` along one axis. */
  padAxis(t: string, axis: number, begin: number, end: number): string {
    if (begin === 0 && end === 0) return t;
    const r = this.shape(t).length;
    const pads = new Array<number>(2 * r).fill(0);
    pads[axis] = begin;
    pads[axis + r] = end;
    return this.node('Pad', [t, this.ints(pads)])[0]!;
  }

  /**
   * t where cond holds, else 0, as t·Cast(cond): ORT's Where with a broadcast zero is slower than the Mul (figures:
   * docs/ARCHITECTURE.md, "Gradient forms, measured"). The two differ only where t is not finite (NaN·0), and such a
   * gradient is ruined either way.
   */
  maskWhere(cond: string, t: string): string {
    return this.mul(t, this.cast(cond, this.dtype(t)));
  }
}
