import type { Attr, DType, Graph, Model, Node, Shape, TensorData, ValueInfo } from './types.js';
import { dtypeCodes } from './dtypes.js';
import { axesAsInput, type reduceAxesIn } from './opsets.js';
import { attr } from './types.js';
import { nameUnknownDims, shapeRules, type InputInfo } from './shape-rules.js';
import { TgrError, invariant } from '../core/errors.js';
import { f32, i64 } from './tensor.js';

/** The ONNX opset tgr emits. 17 is the newest one torch.onnx exports by default and has LayerNormalization. */
export const DEFAULT_OPSET = 17;

export interface NodeOpts {
  name?: string;
}
type PoolOpts = NodeOpts & {
  kernel_shape: number[];
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  ceil_mode?: number;
};
type ConvOpts = NodeOpts & {
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  group?: number;
  kernel_shape?: number[];
};

/**
 * A typed builder for ONNX graphs. Each method named after an op type (camelCase) emits one node with that op's
 * attributes, named and defaulted as the ONNX spec names them, and infers its output shapes on the spot so a wrong
 * shape is reported at the line that built it. Composites (gelu, l2Normalize, ...) are made of those primitives.
 */
export class GraphBuilder {
  readonly opset: number;
  private nodes: Node[] = [];
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private initializers = new Map<string, TensorData>();
  private known = new Map<string, ValueInfo>();
  private constants = new Map<string, TensorData>();
  private used = new Set<string>();
  private prefix: string[] = [];
  private counter = 0;

  constructor(
    readonly name: string,
    opts: { opset?: number } = {},
  ) {
    this.opset = opts.opset ?? DEFAULT_OPSET;
  }

  /** Runs `fn` with `name` appended to the naming scope (names read like `layer1.0.conv1`). */
  scope<T>(name: string, fn: () => T): T {
    this.prefix.push(name);
    try {
      return fn();
    } finally {
      this.prefix.pop();
    }
  }

  /** A unique tensor/node name under the current scope. */
  uniqueName(base: string): string {
    const full = [...this.prefix, base].join('.');
    if (!this.used.has(full)) {
      this.used.add(full);
      return full;
    }
    for (let i = 1; ; i++) {
      const cand = `${full}_${i}`;
      if (!this.used.has(cand)) {
        this.used.add(cand);
        return cand;
      }
    }
  }

  /** Declares a graph input (a feed), e.g. `input('input', 'float32', ['N', 3, 32, 32])`. */
  input(name: string, dtype: DType, shape: Shape): string {
    if (this.used.has(name)) throw new TgrError('bad_graph', `graph '${this.name}': name '${name}' is already used`);
    this.used.add(name);
    const v = { name, dtype, shape };
    this.inputs.push(v);
    this.known.set(name, v);
    return name;
  }

  /** Marks a tensor as a graph output, renaming it through an Identity node when `name` differs. */
  output(tensor: string, name = tensor): string {
    let t = tensor;
    if (name !== tensor) {
      if (this.used.has(name))
        throw new TgrError('bad_graph', `graph '${this.name}': output name '${name}' is already used`);
      this.used.add(name);
      this.nodes.push({ name, opType: 'Identity', inputs: [tensor], outputs: [name], attrs: {} });
      this.known.set(name, { ...this.info(tensor), name });
      t = name;
    }
    this.outputs.push(this.info(t));
    return t;
  }

  /** Adds a named initializer (a weight, bias or buffer) under the current scope and returns its name. */
  initializer(name: string, value: TensorData): string {
    const full = this.uniqueName(name);
    this.initializers.set(full, value);
    this.known.set(full, { name: full, dtype: value.dtype, shape: value.dims });
    return full;
  }

  /** Whether an initializer name is one `constant()` made (as opposed to a named weight from `initializer()`). */
  static isConstantName(name: string): boolean {
    return /^const_\d+$/.test(name);
  }

  /** Adds an anonymous constant (shape tensors, axes, scalars) and returns its name. */
  constant(value: TensorData): string {
    let name = `const_${this.counter++}`;
    // A builder extended from another graph may already hold that graph's const_N names.
    while (this.used.has(name)) name = `const_${this.counter++}`;
    this.used.add(name);
    this.initializers.set(name, value);
    this.constants.set(name, value);
    this.known.set(name, { name, dtype: value.dtype, shape: value.dims });
    return name;
  }

  /** An int64 1-D constant (Reshape shapes, axes, Slice bounds). */
  ints(values: number[]): string {
    return this.constant(i64([values.length], values));
  }

  /** A float32 scalar constant. */
  float(v: number): string {
    return this.constant(f32([], [v]));
  }

  /** Adds an existing graph's inputs, initializers, nodes and known shapes under their own names, to build on it. */
  extend(g: Graph): this {
    for (const v of g.inputs) this.input(v.name, v.dtype, v.shape);
    for (const [k, t] of g.initializers) {
      this.used.add(k);
      this.initializers.set(k, t);
      this.known.set(k, { name: k, dtype: t.dtype, shape: t.dims });
    }
    for (const [k, v] of g.valueInfo) this.known.set(k, v);
    for (const n of g.nodes) {
      this.nodes.push(n);
      for (const k of [n.name, ...n.outputs]) this.used.add(k);
    }
    return this;
  }

  /** Records a shape inference cannot see (e.g. ConstantOfShape(Shape(x)) has x's shape); rank must not change. */
  refineShape(tensor: string, shape: Shape): string {
    const v = this.info(tensor);
    invariant(v.shape.length === shape.length, `refineShape '${tensor}': rank ${v.shape.length} → ${shape.length}`);
    this.known.set(tensor, { ...v, shape: [...shape] });
    return tensor;
  }

  /** The value of an initializer or constant; undefined for tensors computed at run time. */
  initializerValue(tensor: string): TensorData | undefined {
    return this.initializers.get(tensor);
  }

  /** The dtype and shape of a tensor built so far. */
  info(tensor: string): ValueInfo {
    const v = this.known.get(tensor);
    if (!v) throw new TgrError('bad_graph', `graph '${this.name}': tensor '${tensor}' does not exist yet`);
    return v;
  }

  /** The shape of a tensor built so far. */
  shape(tensor: string): Shape {
    return this.info(tensor).shape;
  }

  /** Emits one node of any op type; returns its output names. Prefer the typed methods below. */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, Attr> = {},
    opts: NodeOpts & { outputs?: number } = {},
  ): string[] {
    const name = this.uniqueName(opts.name ?? opType.toLowerCase());
    const nOut = opts.outputs ?? 1;
    const outputs = Array.from({ length: nOut }, (_, i) =>
      i === 0 ? name : this.uniqueName(`${opts.name ?? opType.toLowerCase()}:${i}`),
    );
    const rule = shapeRules[opType];
    if (!rule)
      throw new TgrError('unknown_op', `${name}: op ${opType} has no shape rule; add one to src/onnx/shape-rules.ts`);
    const ins: (InputInfo | undefined)[] = inputs.map((n) => {
      if (n === '') return undefined;
      const v = this.info(n);
      const value = this.initializers.get(n);
      return value ? { dtype: v.dtype, shape: v.shape, value } : { dtype: v.dtype, shape: v.shape };
    });
    let outInfo;
    try {
      outInfo = rule(ins, attrs, this.opset);
    } catch (e) {
      if (e instanceof TgrError) throw new TgrError(e.code, `${name} (${opType}): ${e.message}`);
      throw e;
    }
    outputs.forEach((o, i) => {
      invariant(outInfo[i], `${opType} shape rule gave no output ${i}`);
      this.known.set(o, { name: o, dtype: outInfo[i]!.dtype, shape: nameUnknownDims(outInfo[i]!.shape, o) });
    });
    this.nodes.push({ name, opType, inputs, outputs, attrs });
    return outputs;
  }

  private one(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, opts: NodeOpts = {}): string {
    return this.node(opType, inputs, attrs, opts)[0]!;
  }

  // ---- primitives: one ONNX node each -------------------------------------------------------------------------

  conv(x: string, w: string, b?: string, o: ConvOpts = {}): string {
    return this.one('Conv', b ? [x, w, b] : [x, w], this.convAttrs(w, o), o);
  }
  convTranspose(x: string, w: string, b?: string, o: ConvOpts & { output_padding?: number[] } = {}): string {
    const a = this.convAttrs(w, o);
    if (o.output_padding) a.output_padding = attr.ints(o.output_padding);
    return this.one('ConvTranspose', b ? [x, w, b] : [x, w], a, o);
  }
  /** Conv/ConvTranspose attributes with ONNX's defaults made explicit (the kernel shape read off the weight). */
  private convAttrs(w: string, o: ConvOpts): Record<string, Attr> {
    const k = this.shape(w).length - 2;
    return {
      strides: attr.ints(o.strides ?? Array(k).fill(1)),
      pads: attr.ints(o.pads ?? Array(2 * k).fill(0)),
      dilations: attr.ints(o.dilations ?? Array(k).fill(1)),
      group: attr.int(o.group ?? 1),
      kernel_shape: attr.ints(o.kernel_shape ?? (this.shape(w).slice(2) as number[])),
    };
  }
  gemm(
    a: string,
    b: string,
    c?: string,
    o: NodeOpts & { alpha?: number; beta?: number; transA?: number; transB?: number } = {},
  ): string {
    return this.one(
      'Gemm',
      c ? [a, b, c] : [a, b],
      {
        alpha: attr.float(o.alpha ?? 1),
        beta: attr.float(o.beta ?? 1),
        transA: attr.int(o.transA ?? 0),
        transB: attr.int(o.transB ?? 0),
      },
      o,
    );
  }
  matMul(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('MatMul', [a, b], {}, o);
  }
  add(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Add', [a, b], {}, o);
  }
  sub(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Sub', [a, b], {}, o);
  }
  mul(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Mul', [a, b], {}, o);
  }
  div(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Div', [a, b], {}, o);
  }
  pow(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Pow', [a, b], {}, o);
  }
  max(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Max', [a, b], {}, o);
  }
  relu(x: string, o: NodeOpts = {}): string {
    return this.one('Relu', [x], {}, o);
  }
  sigmoid(x: string, o: NodeOpts = {}): string {
    return this.one('Sigmoid', [x], {}, o);
  }
  tanh(x: string, o: NodeOpts = {}): string {
    return this.one('Tanh', [x], {}, o);
  }
  erf(x: string, o: NodeOpts = {}): string {
    return this.one('Erf', [x], {}, o);
  }
  exp(x: string, o: NodeOpts = {}): string {
    return this.one('Exp', [x], {}, o);
  }
  log(x: string, o: NodeOpts = {}): string {
    return this.one('Log', [x], {}, o);
  }
  sqrt(x: string, o: NodeOpts = {}): string {
    return this.one('Sqrt', [x], {}, o);
  }
  neg(x: string, o: NodeOpts = {}): string {
    return this.one('Neg', [x], {}, o);
  }
  reciprocal(x: string, o: NodeOpts = {}): string {
    return this.one('Reciprocal', [x], {}, o);
  }
  identity(x: string, o: NodeOpts = {}): string {
    return this.one('Identity', [x], {}, o);
  }
  /** Clip with constant bounds (ReLU6 is clip(x, 0, 6)). */
  clip(x: string, min: number, max: number, o: NodeOpts = {}): string {
    return this.one('Clip', [x, this.float(min), this.float(max)], {}, o);
  }
  batchNormalization(
    x: string,
    scale: string,
    bias: string,
    mean: string,
    variance: string,
    o: NodeOpts & { epsilon?: number; momentum?: number; training_mode?: number } = {},
  ): string[] {
    const a: Record<string, Attr> = { epsilon: attr.float(o.epsilon ?? 1e-5), momentum: attr.float(o.momentum ?? 0.9) };
    if (o.training_mode) a.training_mode = attr.int(1);
    return this.node('BatchNormalization', [x, scale, bias, mean, variance], a, {
      ...o,
      outputs: o.training_mode ? 3 : 1,
    });
  }
  layerNormalization(
    x: string,
    scale: string,
    bias: string,
    o: NodeOpts & { axis?: number; epsilon?: number } = {},
  ): string {
    return this.one(
      'LayerNormalization',
      [x, scale, bias],
      { axis: attr.int(o.axis ?? -1), epsilon: attr.float(o.epsilon ?? 1e-5) },
      o,
    );
  }
  maxPool(x: string, o: PoolOpts): string {
    const k = o.kernel_shape.length;
    return this.one(
      'MaxPool',
      [x],
      {
        kernel_shape: attr.ints(o.kernel_shape),
        strides: attr.ints(o.strides ?? Array(k).fill(1)),
        pads: attr.ints(o.pads ?? Array(2 * k).fill(0)),
        dilations: attr.ints(o.dilations ?? Array(k).fill(1)),
        ceil_mode: attr.int(o.ceil_mode ?? 0),
      },
      o,
    );
  }
  averagePool(x: string, o: PoolOpts & { count_include_pad?: number }): string {
    const k = o.kernel_shape.length;
    return this.one(
      'AveragePool',
      [x],
      {
        kernel_shape: attr.ints(o.kernel_shape),
        strides: attr.ints(o.strides ?? Array(k).fill(1)),
        pads: attr.ints(o.pads ?? Array(2 * k).fill(0)),
        ceil_mode: attr.int(o.ceil_mode ?? 0),
        count_include_pad: attr.int(o.count_include_pad ?? 0),
      },
      o,
    );
  }
  globalAveragePool(x: string, o: NodeOpts = {}): string {
    return this.one('GlobalAveragePool', [x], {}, o);
  }
  flatten(x: string, o: NodeOpts & { axis?: number } = {}): string {
    return this.one('Flatten', [x], { axis: attr.int(o.axis ?? 1) }, o);
  }
  reshape(x: string, shape: number[], o: NodeOpts = {}): string {
    return this.one('Reshape', [x, this.ints(shape)], {}, o);
  }
  transpose(x: string, perm: number[], o: NodeOpts = {}): string {
    return this.one('Transpose', [x], { perm: attr.ints(perm) }, o);
  }
  concat(xs: string[], axis: number, o: NodeOpts = {}): string {
    return this.one('Concat', xs, { axis: attr.int(axis) }, o);
  }
  slice(x: string, starts: number[], ends: number[], axes: number[], steps?: number[], o: NodeOpts = {}): string {
    const ins = [x, this.ints(starts), this.ints(ends), this.ints(axes)];
    if (steps) ins.push(this.ints(steps));
    return this.one('Slice', ins, {}, o);
  }
  gather(x: string, indices: string, axis = 0, o: NodeOpts = {}): string {
    return this.one('Gather', [x, indices], { axis: attr.int(axis) }, o);
  }
  unsqueeze(x: string, axes: number[], o: NodeOpts = {}): string {
    return this.one('Unsqueeze', [x, this.ints(axes)], {}, o);
  }
  squeeze(x: string, axes: number[], o: NodeOpts = {}): string {
    return this.one('Squeeze', [x, this.ints(axes)], {}, o);
  }
  softmax(x: string, axis = -1, o: NodeOpts = {}): string {
    return this.one('Softmax', [x], { axis: attr.int(axis) }, o);
  }
  logSoftmax(x: string, axis = -1, o: NodeOpts = {}): string {
    return this.one('LogSoftmax', [x], { axis: attr.int(axis) }, o);
  }
  reduceSum(x: string, axes: number[], keepdims = 1, o: NodeOpts = {}): string {
    return this.reduce('ReduceSum', x, axes, keepdims, o);
  }
  reduceMean(x: string, axes: number[], keepdims = 1, o: NodeOpts = {}): string {
    return this.reduce('ReduceMean', x, axes, keepdims, o);
  }
  reduceSumSquare(x: string, axes: number[], keepdims = 1, o: NodeOpts = {}): string {
    return this.reduce('ReduceSumSquare', x, axes, keepdims, o);
  }
  reduceMax(x: string, axes: number[], keepdims = 1, o: NodeOpts = {}): string {
    return this.reduce('ReduceMax', x, axes, keepdims, o);
  }
  /** A reduction with its axes where this builder's opset wants them (src/onnx/opsets.ts). */
  private reduce(op: keyof typeof reduceAxesIn, x: string, axes: number[], keepdims: number, o: NodeOpts): string {
    return axesAsInput(op, this.opset)
      ? this.one(op, [x, this.ints(axes)], { keepdims: attr.int(keepdims) }, o)
      : this.one(op, [x], { axes: attr.ints(axes), keepdims: attr.int(keepdims) }, o);
  }
  dropout(x: string, ratio: number, training: boolean, o: NodeOpts = {}): string {
    if (!training) return this.one('Identity', [x], {}, o);
    return this.node(
      'Dropout',
      [x, this.float(ratio), this.constant({ dtype: 'bool', dims: [], data: Uint8Array.of(1) })],
      {},
      { ...o, outputs: 2 },
    )[0]!;
  }
  cast(x: string, to: DType, o: NodeOpts = {}): string {
    return this.one('Cast', [x], { to: attr.int(dtypeCodes[to]) }, o);
  }
  where(cond: string, a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Where', [cond, a, b], {}, o);
  }
  equal(a: string, b: string, o: NodeOpts = {}): string {
    return this.one('Equal', [a, b], {}, o);
  }
  expand(x: string, shape: number[], o: NodeOpts = {}): string {
    return this.one('Expand', [x, this.ints(shape)], {}, o);
  }
  /** Pad with constant pads ([x1_begin, x2_begin, …, x1_end, …]); 'constant' mode fills with `value` (default 0). */
  pad(
    x: string,
    pads: number[],
    o: NodeOpts & { mode?: 'constant' | 'reflect' | 'edge'; value?: number } = {},
  ): string {
    const ins = [x, this.ints(pads)];
    if (o.value !== undefined) ins.push(this.float(o.value));
    return this.one('Pad', ins, { mode: attr.string(o.mode ?? 'constant') }, o);
  }

  // ---- composites ------------------------------------------------------------------------------------------

  /** GELU, exact (erf) form, as torch.nn.GELU(): x·½(1+erf(x/√2)). */
  gelu(x: string, o: NodeOpts = {}): string {
    return this.scope(o.name ?? this.uniqueName('gelu'), () => {
      const e = this.erf(this.mul(x, this.float(Math.SQRT1_2)));
      return this.mul(this.mul(x, this.add(e, this.float(1))), this.float(0.5));
    });
  }
  /** Hard-swish, as torch.nn.Hardswish(): x·relu6(x+3)/6. */
  hardSwish(x: string, o: NodeOpts = {}): string {
    return this.scope(o.name ?? this.uniqueName('hardswish'), () =>
      this.mul(x, this.div(this.clip(this.add(x, this.float(3)), 0, 6), this.float(6))),
    );
  }
  /**
   * x / ‖x‖₂ along `axis`; ε² under the root keeps zero rows finite (F.normalize uses max(‖x‖, ε); equal for ‖x‖ ≫ ε).
   */
  l2Normalize(x: string, axis = -1, o: NodeOpts & { eps?: number } = {}): string {
    const eps = o.eps ?? 1e-12;
    return this.scope(o.name ?? this.uniqueName('l2norm'), () => {
      const ss = this.reduceSum(this.mul(x, x), [axis], 1);
      return this.div(x, this.sqrt(this.add(ss, this.float(eps * eps))));
    });
  }

  /** Validates and returns the graph. */
  finish(): Graph {
    if (this.outputs.length === 0)
      throw new TgrError('bad_graph', `graph '${this.name}' has no outputs; call output()`);
    const valueInfo = new Map<string, ValueInfo>();
    const inputNames = new Set(this.inputs.map((v) => v.name));
    for (const [k, v] of this.known) if (!inputNames.has(k) && !this.initializers.has(k)) valueInfo.set(k, v);
    return {
      name: this.name,
      nodes: [...this.nodes],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      initializers: new Map(this.initializers),
      valueInfo,
    };
  }

  /** Validates and wraps the graph in a model with this builder's opset. */
  finishModel(metadata: Record<string, string> = {}): Model {
    return { graph: this.finish(), opset: this.opset, extraOpsets: {}, irVersion: 8, producer: 'tgr', metadata };
  }
}
