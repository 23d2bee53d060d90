import { check } from '../../core/errors.js';
import { axesAsInput } from '../../onnx/opsets.js';
import { attr } from '../../onnx/types.js';
import type { Grid } from '../formats/format.js';
import { QuantizerBuilder, type LayerFacts, type Quantizer } from './emulate-graph.js';

/**
 * Any minifloat (FP8 E4M3/E5M2 saturating or not, `fp:eXmY[:ftz]`) composed of exact ops (power-of-two scalings,
 * Round, compares; in fp32 when e ≤ 7, else in double), as the JS codec computes: the quantum of |x|'s binade (the subnormal one below the least normal) by `binade`, Round (half to even)
 * of |x| / quantum, times the quantum; then the overflow rule (±max, ±Inf or NaN), the flush of results below the least
 * normal when there are no subnormals, and x's sign (−0 kept). ONNX's FP8 Cast is not used: its non-saturating mode in
 * ORT does not follow OCP, and float8 tensors need opset 19 and a tgr dtype.
 */
export function minifloatGrid(f: Extract<Grid, { kind: 'minifloat' }>): Quantizer {
  const { e, m, denormals, specials, overflow, max } = f;
  const bias = 2 ** (e - 1) - 1;
  const minExp = 1 - bias;
  const maxExp = specials === 'ieee' ? bias : bias + 1; // 'fn' keeps finite values in the top exponent
  const overflowValue = overflow === 'saturate' ? max : specials === 'ieee' ? Infinity : NaN;
  // e ≤ 7 keeps every quantum a normal fp32 (≥ 2^−85); e = 8 reaches subnormal quanta, which ORT's fp32 kernels
  // do not keep exactly, so it runs in double.
  const precision = e <= 7 ? 'float32' : 'float64';
  return (x, y) => {
    const b = new QuantizerBuilder(y, precision);
    const xd = b.input(x);
    const a = b.op('Abs', [xd]);
    const quantum = b.binade(a, minExp, maxExp + 1, 2 ** -m);
    let r = b.op('Mul', [b.op('Round', [b.op('Div', [a, quantum])]), quantum]);
    r = b.op('Where', [b.op('Greater', [r, b.c(max)], { dtype: 'bool' }), b.c(overflowValue), r]);
    if (!denormals) r = b.op('Where', [b.op('Less', [r, b.c(2 ** minExp)], { dtype: 'bool' }), b.c(0), r]);
    return b.finish(b.withSignOf(xd, r));
  };
}

/** ReduceMax over one axis, keeping it (axes an attribute or an input, by opset: onnx/opsets.ts). */
function reduceMax(b: QuantizerBuilder, x: string, axis: number, opset: number): string {
  const keep = { keepdims: attr.int(1) };
  return axesAsInput('ReduceMax', opset)
    ? b.op('ReduceMax', [x, b.ints([axis])], { attrs: keep, sameShape: false })
    : b.op('ReduceMax', [x], { attrs: { ...keep, axes: attr.ints([axis]) }, sameShape: false });
}

/**
 * Block floating point `bfp:K:mM` as `bfpQuantize` computes it: channels padded with zeros to a multiple of K,
 * reshaped to [N, C/K, K, rest], each block's max |x| (NaN counting as Inf: the JS max of a block holding NaN is
 * NaN, whose exponent is 127) gives the shared step 2^(E − M + 1) by `binade` over −127..127, q = min(round(min(|x| /
 * step, 2^M)), 2^M − 1) (NaN → 0), ±q · step with x's sign, reshaped back and the padding sliced off.
 */
export function bfpGrid(block: number, m: number): Quantizer {
  const hi = 2 ** m - 1;
  return (x, y, _ctx, layer: LayerFacts) => {
    const shape = layer.info?.shape ?? [];
    const channels = shape[1];
    check(
      layer.info !== undefined && !layer.info.rankUnknown && shape.length >= 2 && typeof channels === 'number',
      'bad_model',
      () =>
        `bfp:${block}:m${m} emulates layer output ${x.replace(/\.fp32$/, '')} in blocks along axis 1, but its shape is ${layer.info ? `[${shape.join(',')}]` : 'unknown'}; it needs a known channel count — emulate this model in another format`,
    );
    check(
      layer.opset >= 11,
      'bad_model',
      () => `bfp emulation needs opset 11 or later (Pad and Slice with inputs); the model is opset ${layer.opset}`,
    );
    const groups = Math.ceil(channels / block);
    const ns = { sameShape: false };
    const b = new QuantizerBuilder(y);
    let xd = b.input(x);
    if (groups * block !== channels) {
      const pads = new Array<number>(2 * shape.length).fill(0);
      pads[shape.length + 1] = groups * block - channels;
      xd = b.op('Pad', [xd, b.ints(pads)], ns);
    }
    const blocks = b.op('Reshape', [xd, b.ints([0, groups, block, -1])], ns);
    const a = b.op('Abs', [blocks], ns);
    const isNumber = b.op('Equal', [a, a], { dtype: 'bool', sameShape: false });
    const max = reduceMax(b, b.op('Where', [isNumber, a, b.c(Infinity)], ns), 2, layer.opset);
    const step = b.binade(max, -127, 127, 2 ** (1 - m), false);
    const q = b.op(
      'Min',
      [b.op('Round', [b.op('Min', [b.op('Div', [a, step], ns), b.c(hi + 1)], ns)], ns), b.c(hi)],
      ns,
    );
    const r = b.op('Mul', [b.op('Where', [isNumber, q, b.c(0)], ns), step], ns);
    let back = b.op(
      'Reshape',
      [b.withSignOf(blocks, r, false), b.op('Shape', [xd], { dtype: 'int64', sameShape: false })],
      ns,
    );
    if (groups * block !== channels) back = b.op('Slice', [back, b.ints([0]), b.ints([channels]), b.ints([1])], ns);
    return b.finish(back);
  };
}
