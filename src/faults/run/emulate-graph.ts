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
 * Writes one quantizer's nodes: tensor names under `${y}.emulate_`, scalar constants shared by value, and every
 * tensor declared (a shape probe fills undeclared tensors as float, which the double steps are not). The steps run
 * in float64 unless the quantizer says every step is exact in fp32 (`precision`), which saves the casts and half the
 * memory traffic.
 */
export class QuantizerBuilder {
  parts: QuantizerParts = { nodes: [], constants: [], declared: [] };
  private count = 0;
  private readonly scalars = new Map<string, string>();

  constructor(
    private readonly y: string,
    private readonly precision: 'float64' | 'float32' = 'float64',
  ) {}

  /** A scalar constant of the steps' precision (one initializer per distinct value). */
  c(v: number): string {
    const key = Object.is(v, -0) ? '-0' : String(v);
    let name = this.scalars.get(key);
    if (!name) {
      name = `${this.y}.emulate_c${this.scalars.size}`;
      this.scalars.set(key, name);
      const data = this.precision === 'float32' ? Float32Array.of(v) : Float64Array.of(v);
      this.parts.constants.push([name, { dtype: this.precision, dims: [], data }]);
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
    this.parts.declared.push({ name: out, dtype: opts.dtype ?? this.precision, sameShape: opts.sameShape ?? true });
    return out;
  }

  /**
   * Ends the quantizer: the fp32 result under the layer's own tensor name `y` — the last node's output renamed when
   * the steps ran in fp32, else a Cast. The node gets a name of its own (y may be the layer node's name too).
   */
  finish(value: string): QuantizerParts {
    const last = this.parts.nodes.at(-1);
    if (this.precision === 'float32' && last?.outputs[0] === value) {
      this.parts.nodes[this.parts.nodes.length - 1] = { ...last, name: `${this.y}.emulate_back`, outputs: [this.y] };
      this.parts.declared = this.parts.declared.filter((d) => d.name !== value);
      return this.parts;
    }
    const cast = { to: attr.int(onnxType.float) };
    const node = { name: `${this.y}.emulate_back`, opType: 'Cast', inputs: [value], outputs: [this.y], attrs: cast };
    this.parts.nodes.push(node);
    return this.parts;
  }

  /** fp32 `x` in the steps' precision: a Cast to double, or x itself. */
  input(x: string, sameShape = true): string {
    if (this.precision === 'float32') return x;
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
   * 2^(lo + k) · unit for a ≥ 0, k = floor(log2 clamp(a, 2^lo, 2^hi)) − lo, without Log: a greedy descent over the
   * exponent range divides the clamped value by 2^s when it is at least 2^(lo + s), multiplying the result by the
   * same 2^s. Every step scales by a power of two and stays at or above 2^lo, so it is exact when 2^lo is normal in
   * the steps' precision. A NaN gets some binade: its value stays NaN anyway.
   */
  binade(a: string, lo: number, hi: number, unit: number, sameShape = true): string {
    invariant(hi > lo, `binade range ${lo}..${hi} is not empty`);
    const ns = { sameShape };
    let rest = this.op('Min', [this.op('Max', [a, this.c(2 ** lo)], ns), this.c(2 ** hi)], ns);
    let p = this.c(2 ** lo * unit);
    for (let s = 2 ** Math.floor(Math.log2(hi - lo)); s >= 1; s /= 2) {
      const below = this.op('Less', [rest, this.c(2 ** (lo + s))], { dtype: 'bool', sameShape });
      const f = this.op('Where', [below, this.c(1), this.c(2 ** s)], ns);
      if (s > 1) rest = this.op('Div', [rest, f], ns);
      p = this.op('Mul', [p, f], ns);
    }
    return p;
  }
}
