/**
 * Small forward graphs exercising every differentiable op, keyed by op so the compiler demands a case for each rule.
 * float64 where ORT's CPU kernels have a double version (Gemm, MatMul, BN, LN, pooling by max, elementwise,
 * reductions, softmax); float32 for Conv, Erf, AveragePool and GlobalAveragePool, which ORT runs in float only.
 */
import type { GraphBuilder } from '../../src/onnx/builder.js';
import { attr } from '../../src/onnx/types.js';
import type { DiffOp } from '../../src/autodiff/rules.js';
import type { Rng } from '../../src/core/rng.js';
import type { FloatType, OpCase } from './grad-check.js';

const f64 = (b: GraphBuilder, v: number[], dims: number[] = []) =>
  b.constant({ dtype: 'float64', dims, data: Float64Array.from(v) });
/** Values kept at least 0.2 away from `at` (kinks of ReLU, Clip), so a finite-difference step never crosses one. */
const awayFrom =
  (...at: number[]) =>
  (rng: Rng) => {
    for (;;) {
      const v = rng.normal() * 3;
      if (at.every((a) => Math.abs(v - a) > 0.2)) return v;
    }
  };
const positive = (rng: Rng) => 0.5 + rng.next() * 2;
const unary = (op: string, dtype: FloatType, gen?: (rng: Rng) => number): OpCase[] => [
  { label: op, dtype, feeds: { x: { dims: [2, 3, 4], gen } }, build: (b, { x }) => b.node(op, [x!])[0]! },
];
const conv = (
  label: string,
  x: number[],
  w: number[],
  o: Parameters<GraphBuilder['conv']>[3] = {},
  bias = false,
): OpCase => ({
  label,
  dtype: 'float32',
  h: 0.5,
  tol: 1e-4,
  feeds: { x: { dims: x }, w: { dims: w }, ...(bias ? { bias: { dims: [w[0]!] } } : {}) },
  build: (b, v) => b.conv(v.x!, v.w!, v.bias, o),
});
const binary = (op: string, a: number[], c: number[], gen?: (rng: Rng) => number): OpCase => ({
  label: `${op} [${a}]·[${c}]`,
  dtype: 'float64',
  feeds: { a: { dims: a }, c: { dims: c, gen } },
  build: (b, v) => b.node(op, [v.a!, v.c!])[0]!,
});
const reduce = (op: 'reduceSum' | 'reduceMean', axes: number[], keep: number): OpCase => ({
  label: `${op} axes [${axes}] keepdims ${keep}`,
  dtype: 'float64',
  feeds: { x: { dims: [2, 3, 4] } },
  build: (b, { x }) => b[op](x!, axes, keep),
});

export const opCases: Record<DiffOp, OpCase[]> = {
  Conv: [
    conv('Conv 3×3 pad 1 with bias', [2, 3, 5, 5], [4, 3, 3, 3], { pads: [1, 1, 1, 1] }, true),
    conv('Conv stride 2 pad 1', [1, 2, 7, 7], [3, 2, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }),
    conv('Conv stride 2, asymmetric pads, 6×5 input', [1, 2, 6, 5], [2, 2, 3, 3], {
      strides: [2, 2],
      pads: [1, 0, 0, 1],
    }),
    conv('Conv dilation 2 pad 2', [1, 2, 7, 7], [2, 2, 3, 3], { pads: [2, 2, 2, 2], dilations: [2, 2] }),
    conv('Conv groups 2', [1, 4, 5, 5], [6, 2, 3, 3], { pads: [1, 1, 1, 1], group: 2 }),
    conv('Conv depthwise stride 2', [2, 3, 6, 6], [3, 1, 3, 3], { pads: [1, 1, 1, 1], group: 3, strides: [2, 2] }),
    conv('Conv depthwise ×2 multiplier', [1, 2, 5, 5], [4, 1, 3, 3], { pads: [1, 1, 1, 1], group: 2 }),
    conv('Conv 1×1 stride 2 (shortcut)', [2, 3, 5, 5], [4, 3, 1, 1], { strides: [2, 2] }),
    conv('Conv 1×1 (pointwise)', [2, 3, 3, 3], [2, 3, 1, 1], {}, true),
    conv('Conv 2×2 no pad, 1-D', [2, 2, 7], [3, 2, 2], {}),
  ],
  Gemm: [
    {
      label: 'Gemm transB, bias [N]',
      dtype: 'float64',
      feeds: { a: { dims: [3, 4] }, w: { dims: [5, 4] }, c: { dims: [5] } },
      build: (b, v) => b.gemm(v.a!, v.w!, v.c, { transB: 1 }),
    },
    {
      label: 'Gemm transA, α=0.5 β=2, bias [1,N]',
      dtype: 'float64',
      feeds: { a: { dims: [4, 3] }, w: { dims: [4, 5] }, c: { dims: [1, 5] } },
      build: (b, v) => b.gemm(v.a!, v.w!, v.c, { transA: 1, alpha: 0.5, beta: 2 }),
    },
    {
      label: 'Gemm transA transB, bias [M,1]',
      dtype: 'float64',
      feeds: { a: { dims: [4, 3] }, w: { dims: [5, 4] }, c: { dims: [3, 1] } },
      build: (b, v) => b.gemm(v.a!, v.w!, v.c, { transA: 1, transB: 1 }),
    },
    {
      label: 'Gemm no bias',
      dtype: 'float64',
      feeds: { a: { dims: [3, 4] }, w: { dims: [4, 2] } },
      build: (b, v) => b.gemm(v.a!, v.w!),
    },
  ],
  MatMul: [
    {
      label: 'MatMul batched × matrix',
      dtype: 'float64',
      feeds: { a: { dims: [2, 3, 4] }, c: { dims: [4, 5] } },
      build: (b, v) => b.matMul(v.a!, v.c!),
    },
    {
      label: 'MatMul broadcast batch',
      dtype: 'float64',
      feeds: { a: { dims: [2, 1, 3, 4] }, c: { dims: [3, 4, 2] } },
      build: (b, v) => b.matMul(v.a!, v.c!),
    },
    {
      label: 'MatMul vector × matrix',
      dtype: 'float64',
      feeds: { a: { dims: [4] }, c: { dims: [2, 4, 3] } },
      build: (b, v) => b.matMul(v.a!, v.c!),
    },
    {
      label: 'MatMul matrix × vector',
      dtype: 'float64',
      feeds: { a: { dims: [2, 3, 4] }, c: { dims: [4] } },
      build: (b, v) => b.matMul(v.a!, v.c!),
    },
  ],
  Add: [binary('Add', [2, 3, 4], [3, 1]), binary('Add', [4], [2, 3, 4])],
  Sub: [binary('Sub', [2, 3, 4], [1, 4]), binary('Sub', [3, 1], [2, 1, 4])],
  Mul: [binary('Mul', [2, 3, 4], [3, 1]), binary('Mul', [2, 3, 4], [])],
  Div: [binary('Div', [2, 3, 4], [3, 1], positive), binary('Div', [2, 1, 4], [3, 4], positive)],
  Pow: [
    {
      label: 'Pow constant exponent 3',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3] } },
      build: (b, { x }) => b.pow(x!, f64(b, [3])),
    },
    {
      label: 'Pow both operands',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3], gen: positive }, e: { dims: [3] } },
      build: (b, v) => b.pow(v.x!, v.e!),
    },
  ],
  Sum: [
    {
      label: 'Sum of three, broadcast',
      dtype: 'float64',
      feeds: { a: { dims: [2, 3] }, c: { dims: [3] }, d: { dims: [2, 1] } },
      build: (b, v) => b.node('Sum', [v.a!, v.c!, v.d!])[0]!,
    },
  ],
  Relu: unary('Relu', 'float64', awayFrom(0)),
  Clip: [
    {
      label: 'Clip (ReLU6)',
      dtype: 'float64',
      feeds: { x: { dims: [3, 8], gen: awayFrom(0, 6) } },
      build: (b, { x }) => b.node('Clip', [x!, f64(b, [0]), f64(b, [6])])[0]!,
    },
    {
      label: 'Clip min only',
      dtype: 'float64',
      feeds: { x: { dims: [3, 4], gen: awayFrom(-1) } },
      build: (b, { x }) => b.node('Clip', [x!, f64(b, [-1])])[0]!,
    },
  ],
  Sigmoid: unary('Sigmoid', 'float64'),
  Tanh: unary('Tanh', 'float64'),
  Erf: unary('Erf', 'float32'),
  Sqrt: unary('Sqrt', 'float64', positive),
  Exp: unary('Exp', 'float64'),
  Log: unary('Log', 'float64', positive),
  Neg: unary('Neg', 'float64'),
  Reciprocal: unary('Reciprocal', 'float64', positive),
  Identity: unary('Identity', 'float64'),
  Cast: [
    {
      label: 'Cast float64 → float32 → float64',
      dtype: 'float64',
      h: 1e-2,
      tol: 1e-5,
      feeds: { x: { dims: [2, 3] } },
      build: (b, { x }) => b.cast(b.mul(b.cast(x!, 'float32'), b.float(2)), 'float64'),
    },
  ],
  BatchNormalization: [
    {
      label: 'BatchNormalization training mode',
      dtype: 'float64',
      feeds: { x: { dims: [3, 2, 2, 3] }, s: { dims: [2] }, c: { dims: [2] } },
      build: (b, v) =>
        b.batchNormalization(v.x!, v.s!, v.c!, f64(b, [0.1, -0.2], [2]), f64(b, [1.5, 0.7], [2]), {
          training_mode: 1,
          epsilon: 1e-3,
        })[0]!,
    },
    {
      label: 'BatchNormalization eval mode',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2, 2] }, s: { dims: [3] }, c: { dims: [3] } },
      build: (b, v) =>
        b.batchNormalization(v.x!, v.s!, v.c!, f64(b, [0.1, -0.2, 0.3], [3]), f64(b, [1.5, 0.7, 2], [3]))[0]!,
    },
  ],
  LayerNormalization: [
    {
      label: 'LayerNormalization last axis',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] }, s: { dims: [4] }, c: { dims: [4] } },
      build: (b, v) => b.layerNormalization(v.x!, v.s!, v.c!),
    },
    {
      label: 'LayerNormalization axis 1',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2] }, s: { dims: [3, 2] }, c: { dims: [3, 2] } },
      build: (b, v) => b.layerNormalization(v.x!, v.s!, v.c!, { axis: 1 }),
    },
  ],
  Dropout: [
    {
      label: 'Dropout (seeded, training)',
      dtype: 'float32',
      tol: 1e-4,
      freshSessions: true,
      feeds: { x: { dims: [3, 4] } },
      build: (b, { x }) =>
        b.node(
          'Dropout',
          [x!, b.float(0.25), b.constant({ dtype: 'bool', dims: [], data: Uint8Array.of(1) })],
          { seed: attr.int(5) },
          { outputs: 2 },
        )[0]!,
    },
  ],
  MaxPool: [
    {
      label: 'MaxPool 3×3 stride 2 pad 1 (overlapping)',
      dtype: 'float64',
      feeds: { x: { dims: [2, 2, 5, 5] } },
      build: (b, { x }) => b.maxPool(x!, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    },
    {
      label: 'MaxPool 2×2 ceil_mode',
      dtype: 'float64',
      feeds: { x: { dims: [1, 2, 5, 5] } },
      build: (b, { x }) => b.maxPool(x!, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
    },
  ],
  AveragePool: [
    {
      label: 'AveragePool 3×3 stride 2 pad 1, pads excluded',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [2, 2, 5, 5] } },
      build: (b, { x }) => b.averagePool(x!, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
    },
    {
      label: 'AveragePool pads included',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [1, 2, 5, 5] } },
      build: (b, { x }) =>
        b.averagePool(x!, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
    },
    {
      label: 'AveragePool 2×2 ceil_mode',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [1, 1, 5, 5] } },
      build: (b, { x }) => b.averagePool(x!, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
    },
  ],
  GlobalAveragePool: [
    {
      label: 'GlobalAveragePool',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [2, 3, 3, 4] } },
      build: (b, { x }) => b.globalAveragePool(x!),
    },
  ],
  Flatten: [
    {
      label: 'Flatten axis 2',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2, 2] } },
      build: (b, { x }) => b.flatten(x!, { axis: 2 }),
    },
  ],
  Reshape: [
    {
      label: 'Reshape',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] } },
      build: (b, { x }) => b.reshape(x!, [4, -1]),
    },
  ],
  Squeeze: [
    { label: 'Squeeze', dtype: 'float64', feeds: { x: { dims: [2, 1, 3] } }, build: (b, { x }) => b.squeeze(x!, [1]) },
  ],
  Unsqueeze: [
    {
      label: 'Unsqueeze',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3] } },
      build: (b, { x }) => b.unsqueeze(x!, [0, 3]),
    },
  ],
  Transpose: [
    {
      label: 'Transpose',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] } },
      build: (b, { x }) => b.transpose(x!, [2, 0, 1]),
    },
  ],
  Concat: [
    {
      label: 'Concat axis 1 (class token)',
      dtype: 'float64',
      feeds: { t: { dims: [2, 1, 3] }, x: { dims: [2, 4, 3] }, z: { dims: [2, 2, 3] } },
      build: (b, v) => b.concat([v.t!, v.x!, v.z!], 1),
    },
  ],
  Slice: [
    {
      label: 'Slice negative start',
      dtype: 'float64',
      feeds: { x: { dims: [2, 5, 4] } },
      build: (b, { x }) => b.slice(x!, [1, -3], [4, 4], [1, 2]),
    },
    {
      label: 'Slice step 2 (option-A shortcut)',
      dtype: 'float64',
      feeds: { x: { dims: [2, 2, 4, 4] } },
      build: (b, { x }) => b.slice(x!, [0, 0], [4, 4], [2, 3], [2, 2]),
    },
    {
      label: 'Slice steps 2 and 3 with offsets, and a plain axis',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 7, 8] } },
      build: (b, { x }) => b.slice(x!, [1, 1, 4], [3, 7, 8], [1, 2, 3], [1, 2, 3]),
    },
    {
      label: 'Slice steps 2 on H, W and a channel range, float32',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [2, 4, 5, 6] } },
      build: (b, { x }) => b.slice(x!, [1, 0, 1], [3, 5, 6], [1, 2, 3], [1, 2, 2]),
    },
    {
      label: 'Slice step 3 from offset 2, float32',
      dtype: 'float32',
      h: 0.5,
      tol: 1e-4,
      feeds: { x: { dims: [1, 2, 3, 9] } },
      build: (b, { x }) => b.slice(x!, [2], [9], [3], [3]),
    },
    {
      label: 'Slice step 2, start past the first step',
      dtype: 'float64',
      feeds: { x: { dims: [2, 9] } },
      build: (b, { x }) => b.slice(x!, [3], [9], [1], [2]),
    },
  ],
  Gather: [
    {
      label: 'Gather scalar index axis 1 (class token)',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] } },
      build: (b, { x }) => b.gather(x!, b.constant({ dtype: 'int64', dims: [], data: BigInt64Array.of(0n) }), 1),
    },
    {
      label: 'Gather repeated, negative indices',
      dtype: 'float64',
      feeds: { x: { dims: [4, 3] }, i: { dims: [2, 2], int: [0, 2, -4, 1] } },
      build: (b, v) => b.gather(v.x!, v.i!, 0),
    },
    {
      label: 'Gather computed scalar index, axis 1',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2] }, i: { dims: [], int: [-1] } },
      build: (b, v) => b.gather(v.x!, v.i!, 1),
    },
    {
      label: 'Gather 1-D indices, axis 1 (q/k/v split)',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2] } },
      build: (b, { x }) => b.gather(x!, b.ints([2, 0]), 1),
    },
  ],
  Pad: [
    {
      label: 'Pad constant',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 2] } },
      build: (b, { x }) => b.node('Pad', [x!, b.ints([0, 1, 0, 0, 2, 1])])[0]!,
    },
  ],
  Expand: [
    {
      label: 'Expand [3,1] → [2,3,4]',
      dtype: 'float64',
      feeds: { x: { dims: [3, 1] } },
      build: (b, { x }) => b.expand(x!, [2, 3, 4]),
    },
  ],
  Where: [
    {
      label: 'Where broadcast',
      dtype: 'float64',
      feeds: { a: { dims: [2, 3] }, c: { dims: [3] } },
      build: (b, v) =>
        b.where(b.constant({ dtype: 'bool', dims: [2, 3], data: Uint8Array.of(1, 0, 1, 0, 0, 1) }), v.a!, v.c!),
    },
  ],
  Softmax: [
    {
      label: 'Softmax last axis',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] } },
      build: (b, { x }) => b.softmax(x!, -1),
    },
    {
      label: 'Softmax axis 1',
      dtype: 'float64',
      feeds: { x: { dims: [2, 3, 4] } },
      build: (b, { x }) => b.softmax(x!, 1),
    },
  ],
  LogSoftmax: [
    { label: 'LogSoftmax', dtype: 'float64', feeds: { x: { dims: [3, 5] } }, build: (b, { x }) => b.logSoftmax(x!, 1) },
  ],
  ReduceSum: [reduce('reduceSum', [1], 0), reduce('reduceSum', [0, 2], 1), reduce('reduceSum', [-1], 1)],
  ReduceMean: [reduce('reduceMean', [1], 1), reduce('reduceMean', [0, 2], 0)],
};
