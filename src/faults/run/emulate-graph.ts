import { invariant } from '../../core/errors.js';
import { attr, type Attr, type DType, type Node, type TensorData, type ValueInfo } from '../../onnx/types.js';
import type { FormatContext } from '../formats/registry.js';

/** What a quantizer adds to the graph: its nodes, its constants and the declared types of its tensors. */
export interface QuantizerParts {
  nodes: Node[];
  constants: [string, TensorData][];
  /** Declared tensors; `sameShape`: the layer's own shape (elementwise steps), else rank unknown. */
  declared: { name: string; dtype: DType; sameShape: boolean }[];
}

/** Facts about the layer output a quantizer holds: its declared value info (when known) and the graph's opset. */
export interface LayerFacts {
  readonly info?: ValueInfo;
  readonly opset: number;
}

/** The nodes that hold tensor `x` in a format and write its fp32 value to `y`. */
export type Quantizer = (x: string, y: string, ctx: FormatContext, layer: LayerFacts) => QuantizerParts;

/** ONNX TensorProto data types the emulation casts through. */
export const onnxType = { float: 1, float16: 10, double: 11, bfloat16: 16 } as const;

/**
 * Writes one quantizer's nodes: tensor names under `${y}.emulate_`, float64 scalar constants shared by value, and
 * every tensor declared (a shape probe fills undeclared tensors as float, which the double steps are not).
 */
export class QuantizerBuilder {
  readonly parts: QuantizerParts = { nodes: [], constants: [], declared: [] };
  private count = 0;
  private readonly scalars = new Map<string, string>();

  constructor(private readonly y: string) {}

  /** A float64 scalar constant (one initializer per distinct value). */
  c(v: number): string {
    const key = Object.is(v, -0) ? '-0' : String(v);
    let name = this.scalars.get(key);
    if (!name) {
      name = `${this.y}.emulate_c${this.scalars.size}`;
      this.scalars.set(key, name);
      this.parts.constants.push([name, { dtype: 'float64', dims: [], data: Float64Array.of(v) }]);
    }
    return name;
  }

  /** A float64 constant tensor of the given dims. */
  tensor(data: Float64Array, dims: number[]): string {
    const name = `${this.y}.emulate_t${this.count++}`;
    this.parts.constants.push([name, { dtype: 'float64', dims, data }]);
    return name;
  }

  /** A constant int64 vector (shapes, pads, axes). */
  ints(values: readonly number[]): string {
    const name = `${this.y}.emulate_i${this.count++}`;
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.parts.constants.push([name, { dtype: 'int64', dims: [values.length], data }]);
    return name;
  }

  /** One node; its output is declared `dtype`, with the layer's shape unless `sameShape` is false. */
  op(
    opType: string,
    inputs: string[],
    opts: { attrs?: Record<string, Attr>; dtype?: DType; sameShape?: boolean } = {},
  ) {
    const out = `${this.y}.emulate_${this.count++}_${opType.toLowerCase()}`;
    this.parts.nodes.push({ name: out, opType, inputs, outputs: [out], attrs: opts.attrs ?? {} });
    this.parts.declared.push({ name: out, dtype: opts.dtype ?? 'float64', sameShape: opts.sameShape ?? true });
    return out;
  }

  /** The last node: casts the double result to fp32 under the layer's own tensor name `y`. */
  finish(value: string): QuantizerParts {
    // y is the layer's old output name, which its node may carry too: the node gets a name of its own.
    const cast = { to: attr.int(onnxType.float) };
    this.parts.nodes.push({
      name: `${this.y}.emulate_back`,
      opType: 'Cast',
      inputs: [value],
      outputs: [this.y],
      attrs: cast,
    });
    return this.parts;
  }

  /** Casts fp32 `x` to double, where every step below is exact. */
  double(x: string, sameShape = true): string {
    return this.op('Cast', [x], { attrs: { to: attr.int(onnxType.double) }, sameShape });
  }

  /**
   * |r| with x's sign, −0 and −Inf included: x < 0 misses −0 and 1/x < 0 misses −Inf (1/−Inf is −0), so either
   * marks a negative; the sign is a Mul by ±1 because ORT's Where turns a selected −0 into +0. NaN stays NaN.
   */
  withSignOf(x: string, r: string, sameShape = true): string {
    const less = (v: string) => this.op('Less', [v, this.c(0)], { dtype: 'bool', sameShape });
    const neg = this.op('Or', [less(x), less(this.op('Div', [this.c(1), x], { sameShape }))], {
      dtype: 'bool',
      sameShape,
    });
    return this.op('Mul', [r, this.op('Where', [neg, this.c(-1), this.c(1)], { sameShape })], { sameShape });
  }

  /**
   * 2^(lo + k) · unit for a ≥ 0 (double), k = floor(log2 clamp(a, 2^lo, 2^hi)) − lo, without Log: a greedy binary
   * descent over the exponent range divides by 2^s when the rest is at least 2^s, multiplying the result by the same
   * 2^s. Every step scales by a power of two, so it is exact. A NaN gets some binade: its value stays NaN anyway.
   */
  binade(a: string, lo: number, hi: number, unit: number, sameShape = true): string {
    invariant(hi > lo, `binade range ${lo}..${hi} is not empty`);
    let rest = this.op(
      'Mul',
      [
        this.op('Min', [this.op('Max', [a, this.c(2 ** lo)], { sameShape }), this.c(2 ** hi)], { sameShape }),
        this.c(2 ** -lo),
      ],
      {
        sameShape,
      },
    );
    let p = this.c(2 ** lo * unit);
    for (let s = 2 ** Math.floor(Math.log2(hi - lo)); s >= 1; s /= 2) {
      const f = this.op(
        'Where',
        [this.op('Less', [rest, this.c(2 ** s)], { dtype: 'bool', sameShape }), this.c(1), this.c(2 ** s)],
        {
          sameShape,
        },
      );
      if (s > 1) rest = this.op('Div', [rest, f], { sameShape });
      p = this.op('Mul', [p, f], { sameShape });
    }
    return p;
  }
}
