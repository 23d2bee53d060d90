import type { Attr, DType, Dim, Shape, TensorData } from './types.js';
import { dtypeOfCode } from './dtypes.js';
import { TgrError } from '../core/errors.js';

/** What a shape rule sees of one input: dtype, shape, and the value when it is a constant (initializer). */
export interface InputInfo {
  dtype: DType;
  shape: Shape;
  value?: TensorData;
}
export interface OutputInfo {
  dtype: DType;
  shape: Shape;
}
export type ShapeRule = (ins: (InputInfo | undefined)[], attrs: Record<string, Attr>, opset: number) => OutputInfo[];

/**
 * A symbolic dimension for a size that depends on run-time values. Rules return the placeholder; `nameUnknownDims`
 * then names it after the tensor and axis, so the same graph always gets the same names (a global counter made a
 * graph's bytes depend on what had been built before it in the process).
 */
export const freshDim = (): string => '?';

/** Names the placeholder dims of a rule's output `?TENSOR:AXIS`: unique, and the same on every build. */
export function nameUnknownDims(shape: Shape, tensor: string): Shape {
  return shape.map((d, axis) => (d === '?' ? `?${tensor}:${axis}` : d));
}

const ints = (a: Record<string, Attr>, k: string, d: number[]): number[] => {
  const v = a[k];
  return v && v.type === 'ints' ? v.value : d;
};
const int = (a: Record<string, Attr>, k: string, d: number): number => {
  const v = a[k];
  return v && v.type === 'int' ? v.value : d;
};
const constInts = (t: InputInfo | undefined): number[] | undefined =>
  t?.value ? Array.from(t.value.data as ArrayLike<number | bigint>, Number) : undefined;

const mulDim = (a: Dim, b: Dim): Dim =>
  typeof a === 'number' && typeof b === 'number' ? a * b : a === 1 ? b : b === 1 ? a : freshDim();

/** Numpy-style broadcast of two shapes. */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') {
      throw new TgrError('shape_mismatch', `cannot broadcast shapes [${a}] and [${b}]`);
    } else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

const same: ShapeRule = (ins) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }];
const broadcast: ShapeRule = (ins) => [
  { dtype: ins[0]!.dtype, shape: ins.filter(Boolean).reduce<Shape>((s, t) => broadcastShapes(s, t!.shape), []) },
];
const compare: ShapeRule = (ins) => [{ dtype: 'bool', shape: broadcastShapes(ins[0]!.shape, ins[1]!.shape) }];
const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function poolLike(ins: (InputInfo | undefined)[], attrs: Record<string, Attr>, outChannels?: Dim): Shape {
  const x = ins[0]!.shape;
  const spatial = x.length - 2;
  const kernel = ints(attrs, 'kernel_shape', []);
  const k = kernel.length ? kernel : (ins[1]?.shape.slice(2) as number[]);
  const strides = ints(attrs, 'strides', Array(spatial).fill(1));
  const dil = ints(attrs, 'dilations', Array(spatial).fill(1));
  let pads = ints(attrs, 'pads', Array(spatial * 2).fill(0));
  const autoPad = attrs.auto_pad?.type === 'string' ? attrs.auto_pad.value : 'NOTSET';
  const ceil = int(attrs, 'ceil_mode', 0);
  const out: Shape = [x[0]!, outChannels ?? x[1]!];
  for (let i = 0; i < spatial; i++) {
    const inD = x[i + 2]!;
    if (typeof inD !== 'number' || typeof k[i] !== 'number') {
      out.push(freshDim());
      continue;
    }
    const ek = (k[i]! - 1) * dil[i]! + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out.push(Math.ceil(inD / strides[i]!));
      continue;
    }
    if (autoPad === 'VALID') pads = Array(spatial * 2).fill(0);
    const span = inD + pads[i]! + pads[i + spatial]! - ek;
    let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // ONNX/PyTorch: with ceil_mode the last window must start inside the (left-padded) input.
    if (ceil && (o - 1) * strides[i]! >= inD + pads[i]!) o -= 1;
    out.push(o);
  }
  return out;
}

function reduceAxes(ins: (InputInfo | undefined)[], attrs: Record<string, Attr>): number[] | undefined {
  const fromInput = constInts(ins[1]);
  return fromInput ?? (attrs.axes?.type === 'ints' ? attrs.axes.value : undefined);
}

const reduce: ShapeRule = (ins, attrs) => {
  const x = ins[0]!.shape;
  const keep = int(attrs, 'keepdims', 1);
  let axes = reduceAxes(ins, attrs);
  if (!axes || axes.length === 0) {
    if (int(attrs, 'noop_with_empty_axes', 0)) return [{ dtype: ins[0]!.dtype, shape: x }];
    axes = x.map((_, i) => i);
  }
  const set = new Set(axes.map((a) => normAxis(a, x.length)));
  const shape = keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
  return [{ dtype: ins[0]!.dtype, shape }];
};

/** Shape inference rules, one per op type. Ops missing here get no inferred shape (foreign models still run). */
export const shapeRules: Record<string, ShapeRule> = {
  Identity: same,
  Relu: same,
  Sigmoid: same,
  Tanh: same,
  Erf: same,
  Exp: same,
  Log: same,
  Sqrt: same,
  Neg: same,
  Abs: same,
  Reciprocal: same,
  Softmax: same,
  LogSoftmax: same,
  Clip: same,
  LeakyRelu: same,
  HardSigmoid: same,
  HardSwish: same,
  Gelu: same,
  Floor: same,
  Ceil: same,
  Round: same,
  Sign: same,
  Elu: same,
  Softplus: same,
  Add: broadcast,
  Sub: broadcast,
  Mul: broadcast,
  Div: broadcast,
  Pow: broadcast,
  Max: broadcast,
  Min: broadcast,
  Sum: broadcast,
  Mean: broadcast,
  Where: (ins) => [
    { dtype: ins[1]!.dtype, shape: broadcastShapes(broadcastShapes(ins[0]!.shape, ins[1]!.shape), ins[2]!.shape) },
  ],
  Equal: compare,
  Less: compare,
  Greater: compare,
  LessOrEqual: compare,
  GreaterOrEqual: compare,
  And: compare,
  Or: compare,
  Not: (ins) => [{ dtype: 'bool', shape: ins[0]!.shape }],
  Cast: (ins, a) => [{ dtype: castTarget(int(a, 'to', 1)), shape: ins[0]!.shape }],
  Dropout: (ins) => [
    { dtype: ins[0]!.dtype, shape: ins[0]!.shape },
    { dtype: 'bool', shape: ins[0]!.shape },
  ],
  Conv: (ins, a) => [{ dtype: ins[0]!.dtype, shape: poolLike(ins, a, ins[1]!.shape[0]) }],
  ConvTranspose: (ins, a) => {
    const x = ins[0]!.shape;
    const w = ins[1]!.shape;
    const sp = x.length - 2;
    const strides = ints(a, 'strides', Array(sp).fill(1));
    const pads = ints(a, 'pads', Array(sp * 2).fill(0));
    const dil = ints(a, 'dilations', Array(sp).fill(1));
    const outPad = ints(a, 'output_padding', Array(sp).fill(0));
    const explicit = ints(a, 'output_shape', []);
    const group = int(a, 'group', 1);
    const shape: Shape = [x[0]!, mulDim(w[1]!, group)];
    for (let i = 0; i < sp; i++) {
      const inD = x[i + 2]!;
      if (explicit.length) shape.push(explicit[i]!);
      else if (typeof inD !== 'number') shape.push(freshDim());
      else
        shape.push(
          strides[i]! * (inD - 1) + outPad[i]! + ((w[i + 2] as number) - 1) * dil[i]! + 1 - pads[i]! - pads[i + sp]!,
        );
    }
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  MaxPool: (ins, a) => [
    { dtype: ins[0]!.dtype, shape: poolLike(ins, a) },
    { dtype: 'int64', shape: poolLike(ins, a) },
  ],
  AveragePool: (ins, a) => [{ dtype: ins[0]!.dtype, shape: poolLike(ins, a) }],
  GlobalAveragePool: (ins) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape.map((d, i) => (i < 2 ? d : 1)) }],
  GlobalMaxPool: (ins) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape.map((d, i) => (i < 2 ? d : 1)) }],
  BatchNormalization: (ins, a) => {
    const out = [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }];
    if (int(a, 'training_mode', 0))
      out.push({ dtype: ins[0]!.dtype, shape: ins[3]!.shape }, { dtype: ins[0]!.dtype, shape: ins[4]!.shape });
    return out;
  },
  LayerNormalization: (ins, a) => {
    const x = ins[0]!.shape;
    const axis = normAxis(int(a, 'axis', -1), x.length);
    const stat = x.map((d, i) => (i < axis ? d : 1));
    return [
      { dtype: ins[0]!.dtype, shape: x },
      { dtype: 'float32', shape: stat },
      { dtype: 'float32', shape: stat },
    ];
  },
  Gemm: (ins, a) => {
    const A = ins[0]!.shape;
    const B = ins[1]!.shape;
    const m = int(a, 'transA', 0) ? A[1]! : A[0]!;
    const n = int(a, 'transB', 0) ? B[0]! : B[1]!;
    return [{ dtype: ins[0]!.dtype, shape: [m, n] }];
  },
  MatMul: (ins) => {
    let A = ins[0]!.shape;
    let B = ins[1]!.shape;
    const aVec = A.length === 1;
    const bVec = B.length === 1;
    if (aVec) A = [1, A[0]!];
    if (bVec) B = [B[0]!, 1];
    const batch = broadcastShapes(A.slice(0, -2), B.slice(0, -2));
    const shape: Shape = [...batch, ...(aVec ? [] : [A[A.length - 2]!]), ...(bVec ? [] : [B[B.length - 1]!])];
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  Flatten: (ins, a) => {
    const x = ins[0]!.shape;
    const axis = normAxis(int(a, 'axis', 1), x.length);
    return [{ dtype: ins[0]!.dtype, shape: [x.slice(0, axis).reduce(mulDim, 1), x.slice(axis).reduce(mulDim, 1)] }];
  },
  Reshape: (ins) => {
    const x = ins[0]!.shape;
    const target = constInts(ins[1]);
    if (!target)
      return [
        {
          dtype: ins[0]!.dtype,
          shape: (ins[1]!.shape[0] as number) > 0 ? Array.from({ length: ins[1]!.shape[0] as number }, freshDim) : [],
        },
      ];
    const shape: Shape = target.map((t, i) => (t === 0 ? x[i]! : t));
    const neg = shape.indexOf(-1);
    if (neg >= 0) {
      const known = shape.filter((_, i) => i !== neg);
      shape[neg] = divideDims(x, known);
    }
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  Transpose: (ins, a) => {
    const x = ins[0]!.shape;
    const perm = ints(
      a,
      'perm',
      x.map((_, i) => x.length - 1 - i),
    );
    return [{ dtype: ins[0]!.dtype, shape: perm.map((p) => x[p]!) }];
  },
  Concat: (ins, a) => {
    const x = ins[0]!.shape;
    const axis = normAxis(int(a, 'axis', 0), x.length);
    const shape = [...x];
    shape[axis] = ins.slice(1).reduce<Dim>((s, t) => addDims(s, t!.shape[axis]!), x[axis]!);
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  Slice: (ins) => {
    const x = ins[0]!.shape;
    const starts = constInts(ins[1]);
    const ends = constInts(ins[2]);
    const axes = constInts(ins[3]) ?? starts?.map((_, i) => i);
    const steps = constInts(ins[4]) ?? starts?.map(() => 1);
    if (!starts || !ends || !axes || !steps) return [{ dtype: ins[0]!.dtype, shape: x.map(freshDim) }];
    const shape = [...x];
    axes.forEach((ax0, j) => {
      const ax = normAxis(ax0, x.length);
      const d = x[ax]!;
      if (typeof d !== 'number') {
        shape[ax] = freshDim();
        return;
      }
      const step = steps[j]!;
      const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
      const s = step > 0 ? clampIdx(starts[j]!, 0, d) : clampIdx(starts[j]!, -1, d - 1);
      const e = step > 0 ? clampIdx(ends[j]!, 0, d) : clampIdx(ends[j]!, -1, d - 1);
      shape[ax] = Math.max(0, Math.ceil((e - s) / step));
    });
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  Squeeze: (ins, a) => {
    const x = ins[0]!.shape;
    const axes = (
      constInts(ins[1]) ??
      ints(
        a,
        'axes',
        x.flatMap((d, i) => (d === 1 ? [i] : [])),
      )
    ).map((v) => normAxis(v, x.length));
    return [{ dtype: ins[0]!.dtype, shape: x.filter((_, i) => !axes.includes(i)) }];
  },
  Unsqueeze: (ins, a) => {
    const x = ins[0]!.shape;
    const axes0 = constInts(ins[1]) ?? ints(a, 'axes', []);
    const rank = x.length + axes0.length;
    const axes = axes0.map((v) => normAxis(v, rank)).sort((p, q) => p - q);
    const shape = [...x];
    for (const ax of axes) shape.splice(ax, 0, 1);
    return [{ dtype: ins[0]!.dtype, shape }];
  },
  Expand: (ins) => {
    const target = constInts(ins[1]);
    if (target) return [{ dtype: ins[0]!.dtype, shape: broadcastShapes(ins[0]!.shape, target) }];
    // Run-time target: a dimension of x other than 1 survives broadcasting unchanged; the rest are unknown.
    const x = ins[0]!.shape;
    const rank = Math.max(x.length, typeof ins[1]!.shape[0] === 'number' ? ins[1]!.shape[0] : 0);
    const shape = Array.from({ length: rank }, (_, i) => x[i - rank + x.length]);
    return [{ dtype: ins[0]!.dtype, shape: shape.map((d) => (d === undefined || d === 1 ? freshDim() : d)) }];
  },
  Shape: (ins) => [{ dtype: 'int64', shape: [ins[0]!.shape.length] }],
  Gather: (ins, a) => {
    const x = ins[0]!.shape;
    const axis = normAxis(int(a, 'axis', 0), x.length);
    return [{ dtype: ins[0]!.dtype, shape: [...x.slice(0, axis), ...ins[1]!.shape, ...x.slice(axis + 1)] }];
  },
  GatherElements: (ins) => [{ dtype: ins[0]!.dtype, shape: ins[1]!.shape }],
  ScatterElements: same,
  OneHot: (ins, a) => {
    const depth = constInts(ins[1])?.[0] ?? freshDim();
    const idx = ins[0]!.shape;
    const axis = int(a, 'axis', -1);
    const shape = [...idx];
    shape.splice(axis < 0 ? idx.length + 1 + axis : axis, 0, depth);
    return [{ dtype: ins[2]!.dtype, shape }];
  },
  ArgMax: (ins, a) => {
    const x = ins[0]!.shape;
    const axis = normAxis(int(a, 'axis', 0), x.length);
    const keep = int(a, 'keepdims', 1);
    return [{ dtype: 'int64', shape: keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis) }];
  },
  ReduceSum: reduce,
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceL2: reduce,
  ReduceSumSquare: reduce,
  ReduceLogSumExp: reduce,
  ReduceProd: reduce,
  Constant: (_ins, a) => {
    const v = a.value;
    if (v?.type === 'tensor') return [{ dtype: v.value.dtype, shape: v.value.dims }];
    if (a.value_float) return [{ dtype: 'float32', shape: [] }];
    if (a.value_int) return [{ dtype: 'int64', shape: [] }];
    if (a.value_ints?.type === 'ints') return [{ dtype: 'int64', shape: [a.value_ints.value.length] }];
    if (a.value_floats?.type === 'floats') return [{ dtype: 'float32', shape: [a.value_floats.value.length] }];
    return [{ dtype: 'float32', shape: [] }];
  },
  ConstantOfShape: (ins, a) => {
    const dims = constInts(ins[0]);
    const v = a.value;
    return [
      {
        dtype: v?.type === 'tensor' ? v.value.dtype : 'float32',
        shape: dims ?? Array.from({ length: ins[0]!.shape[0] as number }, freshDim),
      },
    ];
  },
  Pad: (ins) => {
    const x = ins[0]!.shape;
    const pads = constInts(ins[1]);
    if (!pads) return [{ dtype: ins[0]!.dtype, shape: x.map(freshDim) }];
    return [{ dtype: ins[0]!.dtype, shape: x.map((d, i) => addDims(addDims(d, pads[i]!), pads[i + x.length]!)) }];
  },
  Tile: (ins) => {
    const reps = constInts(ins[1]);
    return [
      {
        dtype: ins[0]!.dtype,
        shape: reps ? ins[0]!.shape.map((d, i) => mulDim(d, reps[i]!)) : ins[0]!.shape.map(freshDim),
      },
    ];
  },
};

function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (b === 0) return a;
  if (a === 0) return b;
  return freshDim();
}

/** The -1 entry of a Reshape: numel(x) / product(known), keeping a symbolic factor when it divides out. */
function divideDims(x: Shape, known: Shape): Dim {
  const num = x.filter((d) => typeof d === 'number').reduce<number>((p, d) => p * (d as number), 1);
  const den = known.filter((d) => typeof d === 'number').reduce<number>((p, d) => p * (d as number), 1);
  const symX = x.filter((d) => typeof d === 'string') as string[];
  const symK = known.filter((d) => typeof d === 'string') as string[];
  const rest = [...symX];
  for (const s of symK) {
    const i = rest.indexOf(s);
    if (i < 0) return freshDim();
    rest.splice(i, 1);
  }
  if (rest.length === 0) return num / den;
  if (rest.length === 1 && num === den) return rest[0]!;
  return freshDim();
}

function castTarget(code: number): DType {
  const d = dtypeOfCode(code);
  if (!d) throw new TgrError('bad_model', `Cast to ONNX type ${code} is not supported by tgr's shape inference`);
  return d;
}
