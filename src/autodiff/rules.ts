import type { GradRule } from './grad-rule.js';
import { intAttr, type GradCtx } from './grad-rule.js';
import { convCase, convGradB, convGradW, convGradX } from './conv-grad.js';
import { batchNormGrad, layerNormGrad } from './norm-grad.js';
import { averagePoolGrad, globalAveragePoolGrad, maxPoolGrad } from './pool-grad.js';
import { concatGrad, gatherGrad, padGrad, sliceGrad, transposeGrad } from './shape-grad.js';
import { gemmGrad, matMulGrad } from './matmul-grad.js';

/** Every op the autodiff differentiates; `gradRules` must have exactly these keys. */
export type DiffOp =
  | 'Conv'
  | 'Gemm'
  | 'MatMul'
  | 'Add'
  | 'Sub'
  | 'Mul'
  | 'Div'
  | 'Pow'
  | 'Sum'
  | 'Relu'
  | 'Clip'
  | 'Sigmoid'
  | 'Tanh'
  | 'Erf'
  | 'Sqrt'
  | 'Exp'
  | 'Log'
  | 'Neg'
  | 'Reciprocal'
  | 'Identity'
  | 'Cast'
  | 'BatchNormalization'
  | 'LayerNormalization'
  | 'Dropout'
  | 'MaxPool'
  | 'AveragePool'
  | 'GlobalAveragePool'
  | 'Flatten'
  | 'Reshape'
  | 'Squeeze'
  | 'Unsqueeze'
  | 'Transpose'
  | 'Concat'
  | 'Slice'
  | 'Gather'
  | 'Pad'
  | 'Expand'
  | 'Where'
  | 'Softmax'
  | 'LogSoftmax'
  | 'ReduceSum'
  | 'ReduceMean';

const axisOf = (c: GradCtx) => intAttr(c.node, 'axis', -1);

/** Reduced axes of a ReduceSum/ReduceMean node (input since opset 13 / 18, attribute before; empty = all). */
function reducedAxes(c: GradCtx): number[] {
  const v = c.x[1] ? c.b.constValue(c.x[1]) : c.node.attrs.axes?.type === 'ints' ? c.node.attrs.axes.value : undefined;
  const r = c.b.shape(c.x[0]!).length;
  if (v && v.length) return v.map((a) => (a < 0 ? a + r : a));
  return intAttr(c.node, 'noop_with_empty_axes', 0) ? [] : [...Array(r).keys()];
}

/** dy of a reduction, with the reduced axes put back (when keepdims=0) and broadcast to the input. */
function unreduce(c: GradCtx, scale: boolean): string {
  const { b, x, dy } = c;
  const axes = reducedAxes(c);
  if (axes.length === 0) return dy[0]!;
  let g = intAttr(c.node, 'keepdims', 1) ? dy[0]! : b.unsqueeze(dy[0]!, axes);
  if (scale) g = b.div(g, b.count(x[0]!, axes));
  return b.expandLike(g, x[0]!);
}

/**
 * The gradient rules: one line per op (or a call to its family's file). Each returns one gradient per node input;
 * the walker (backward.ts) sums gradients of tensors used twice and reduces broadcast gradients to the input shape.
 */
export const gradRules = {
  Conv: ({ b, node, x, dy }) => {
    const c = convCase(b, node, x[0]!, x[1]!, dy[0]!);
    return [convGradX(c), convGradW(c), ...(x.length > 2 ? [convGradB(b, dy[0]!)] : [])];
  },
  Gemm: ({ b, node, x, dy }) => gemmGrad(b, node, x, dy[0]!),
  MatMul: ({ b, x, dy }) => matMulGrad(b, x, dy[0]!),
  Add: ({ dy }) => [dy[0]!, dy[0]!],
  Sub: ({ b, dy }) => [dy[0]!, b.neg(dy[0]!)],
  Mul: ({ b, x, dy }) => [b.mul(dy[0]!, x[1]!), b.mul(dy[0]!, x[0]!)],
  Div: ({ b, x, y, dy }) => [b.div(dy[0]!, x[1]!), b.neg(b.div(b.mul(dy[0]!, y[0]!), x[1]!))],
  Pow: ({ b, x, y, dy }) => [
    b.mul(dy[0]!, b.mul(x[1]!, b.pow(x[0]!, b.sub(x[1]!, b.scalar(1, x[1]!))))),
    b.mul(dy[0]!, b.mul(y[0]!, b.log(x[0]!))),
  ],
  Sum: ({ x, dy }) => x.map(() => dy[0]!),
  // ReLU at exactly 0 has gradient 0 (PyTorch's choice), hence y > 0 rather than y ≥ 0.
  Relu: ({ b, y, dy }) => [b.maskWhere(b.node('Greater', [y[0]!, b.scalar(0, y[0]!)])[0]!, dy[0]!)],
  // Clip (ReLU6) passes the gradient strictly inside (min, max), as PyTorch's hardtanh does: 0 at both bounds.
  Clip: ({ b, x, dy }) => {
    const inside = [x[1] && b.node('Greater', [x[0]!, x[1]])[0]!, x[2] && b.node('Less', [x[0]!, x[2]])[0]!].filter(
      Boolean,
    ) as string[];
    const mask = inside.length === 2 ? b.node('And', inside)[0]! : inside[0];
    return [mask ? b.maskWhere(mask, dy[0]!) : dy[0]!, ...x.slice(1).map(() => null)];
  },
  Sigmoid: ({ b, y, dy }) => [b.mul(dy[0]!, b.mul(y[0]!, b.sub(b.scalar(1, y[0]!), y[0]!)))],
  Tanh: ({ b, y, dy }) => [b.mul(dy[0]!, b.sub(b.scalar(1, y[0]!), b.mul(y[0]!, y[0]!)))],
  Erf: ({ b, x, dy }) => [
    b.mul(dy[0]!, b.mul(b.exp(b.neg(b.mul(x[0]!, x[0]!))), b.scalar(2 / Math.sqrt(Math.PI), x[0]!))),
  ],
  Sqrt: ({ b, y, dy }) => [b.div(b.mul(dy[0]!, b.scalar(0.5, y[0]!)), y[0]!)],
  Exp: ({ b, y, dy }) => [b.mul(dy[0]!, y[0]!)],
  Log: ({ b, x, dy }) => [b.div(dy[0]!, x[0]!)],
  Neg: ({ b, dy }) => [b.neg(dy[0]!)],
  Reciprocal: ({ b, y, dy }) => [b.neg(b.mul(dy[0]!, b.mul(y[0]!, y[0]!)))],
  Identity: ({ dy }) => [dy[0]!],
  Cast: ({ b, x, dy }) => [b.dtype(x[0]!).startsWith('float') ? b.cast(dy[0]!, b.dtype(x[0]!)) : null],
  BatchNormalization: ({ b, node, x, dy }) => batchNormGrad(b, node, x, dy[0]!),
  LayerNormalization: ({ b, node, x, dy }) => layerNormGrad(b, node, x, dy[0]!).slice(0, x.length),
  // Dropout's own mask output (added by prepareForward when absent) replays the exact elements it kept.
  Dropout: ({ b, x, y, dy }) => {
    const train = x[2] ? b.constValue(x[2])?.[0] === 1 : false;
    const keep = train ? 1 / (1 - (x[1] ? b.constValue(x[1])![0]! : 0.5)) : 1;
    return [
      b.maskWhere(y[1]!, keep === 1 ? dy[0]! : b.mul(dy[0]!, b.scalar(keep, dy[0]!))),
      ...x.slice(1).map(() => null),
    ];
  },
  MaxPool: ({ b, x, y, dy }) => [maxPoolGrad(b, x[0]!, y[1]!, dy[0]!)],
  AveragePool: ({ b, node, x, y, dy }) => [averagePoolGrad(b, node, x[0]!, y[0]!, dy[0]!)],
  GlobalAveragePool: ({ b, x, dy }) => [globalAveragePoolGrad(b, x[0]!, dy[0]!)],
  Flatten: ({ b, x, dy }) => [b.reshapeLike(dy[0]!, x[0]!)],
  Reshape: ({ b, x, dy }) => [b.reshapeLike(dy[0]!, x[0]!), null],
  Squeeze: ({ b, x, dy }) => [b.reshapeLike(dy[0]!, x[0]!), ...x.slice(1).map(() => null)],
  Unsqueeze: ({ b, x, dy }) => [b.reshapeLike(dy[0]!, x[0]!), ...x.slice(1).map(() => null)],
  Transpose: ({ b, node, dy }) => [transposeGrad(b, node, dy[0]!)],
  Concat: ({ b, node, x, dy }) => concatGrad(b, node, x, dy[0]!),
  Slice: ({ b, node, x, dy }) => [sliceGrad(b, node, x, dy[0]!), ...x.slice(1).map(() => null)],
  Gather: ({ b, node, x, dy }) => [gatherGrad(b, node, x[0]!, x[1]!, dy[0]!), null],
  Pad: ({ b, node, x, dy }) => [padGrad(b, node, x[0]!, x[1]!, dy[0]!), ...x.slice(1).map(() => null)],
  Expand: ({ dy }) => [dy[0]!, null],
  Where: ({ b, x, dy }) => [null, b.maskWhere(x[0]!, dy[0]!), b.where(x[0]!, b.scalar(0, dy[0]!), dy[0]!)],
  Softmax: (c) => [c.b.mul(c.y[0]!, c.b.sub(c.dy[0]!, c.b.reduceSum(c.b.mul(c.dy[0]!, c.y[0]!), [axisOf(c)], 1)))],
  LogSoftmax: (c) => [c.b.sub(c.dy[0]!, c.b.mul(c.b.exp(c.y[0]!), c.b.reduceSum(c.dy[0]!, [axisOf(c)], 1)))],
  ReduceSum: (c) => [unreduce(c, false), ...c.x.slice(1).map(() => null)],
  ReduceMean: (c) => [unreduce(c, true), ...c.x.slice(1).map(() => null)],
} satisfies Record<DiffOp, GradRule>;

/** Looks up an op's rule; undefined when there is none. */
export function gradRuleFor(opType: string): GradRule | undefined {
  return Object.prototype.hasOwnProperty.call(gradRules, opType)
    ? (gradRules as Record<string, GradRule>)[opType]
    : undefined;
}
