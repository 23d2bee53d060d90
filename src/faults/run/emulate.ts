import { check } from '../../core/errors.js';
import { attr, type Attr, type DType, type Graph, type Model, type Node, type TensorData } from '../../onnx/types.js';
import type { FormatContext, NumberFormat } from '../formats/registry.js';

/** ONNX TensorProto data types the emulation casts through. */
const onnxType = { float: 1, float16: 10, double: 11, bfloat16: 16, float8e4m3fn: 17, float8e5m2: 19 } as const;

/** The nodes (and constants) that hold tensor `x` in a format and write its fp32 value to `y`. */
type Quantizer = (
  x: string,
  y: string,
  ctx: FormatContext,
) => { nodes: Node[]; constants: [string, TensorData][]; dtypes: [string, DType][] };

/** x → Cast(format) → Cast(float): ORT's Cast rounds to nearest even as the JS codecs do (bit for bit, tested). */
function castPair(to: number, held: DType | undefined, saturate?: 1): Quantizer {
  const attrs: Record<string, Attr> = { to: attr.int(to) };
  if (saturate !== undefined) attrs.saturate = attr.int(saturate); // opset 19's Cast: clamp overflow to ±max
  return (x, y) => ({
    nodes: [
      {
        name: `${y}.emulate`,
        opType: 'Cast',
        inputs: [x],
        outputs: [`${y}.held`],
        attrs,
      },
      { name: `${y}.emulate_back`, opType: 'Cast', inputs: [`${y}.held`], outputs: [y], attrs: { to: attr.int(1) } },
    ],
    constants: [],
    dtypes: held ? [[`${y}.held`, held]] : [], // FP8 is not a tgr dtype: its tensor stays undeclared
  });
}

/**
 * Symmetric integer grids (int8, int:K, q:I.F) computed in float64 as the JS codecs compute them: x / scale in
 * double, clamped, Round (half to even), NaN and −0 → +0 by Where (the pattern 0 decodes to +0; ORT folds x + 0), q · scale in double, one
 * rounding to fp32. QuantizeLinear divides in fp32 and would differ from the reference at rare ties.
 */
function integerGrid(lo: number, hi: number, scaleOf: (ctx: FormatContext) => number): Quantizer {
  return (x, y, ctx) => {
    const t = (s: string) => `${y}.emulate_${s}`;
    const d = (v: number): TensorData => ({ dtype: 'float64', dims: [], data: Float64Array.of(v) });
    const node = (op: string, inputs: string[], out: string, attrs = {}): Node => ({
      name: out === y ? `${y}.emulate_back` : out, // y is the layer's old output name, which its node may carry too
      opType: op,
      inputs,
      outputs: [out],
      attrs,
    });
    return {
      nodes: [
        node('Cast', [x], t('x'), { to: attr.int(onnxType.double) }),
        node('Div', [t('x'), t('scale')], t('v')),
        node('Clip', [t('v'), t('lo'), t('hi')], t('clip')),
        node('Round', [t('clip')], t('round')),
        node('IsNaN', [t('v')], t('nan')),
        node('Equal', [t('round'), t('zero')], t('is_zero')),
        node('Or', [t('nan'), t('is_zero')], t('to_zero')),
        node('Where', [t('to_zero'), t('zero'), t('round')], t('q')),
        node('Mul', [t('q'), t('scale')], t('value')),
        node('Cast', [t('value')], y, { to: attr.int(onnxType.float) }),
      ],
      constants: [
        [t('scale'), d(scaleOf(ctx))],
        [t('lo'), d(lo)],
        [t('hi'), d(hi)],
        [t('zero'), d(0)],
      ],
      dtypes: [
        ...['x', 'v', 'clip', 'round', 'q', 'value'].map((k): [string, DType] => [t(k), 'float64']),
        ...['nan', 'is_zero', 'to_zero'].map((k): [string, DType] => [t(k), 'bool']),
      ],
    };
  };
}

const ctxScale = (ctx: FormatContext) => ctx.scale!;

/**
 * How each format is emulated in the graph, by format name; a family spec (`int:4`) is matched by its prefix.
 * fp:eXmY and bfp are not here yet: ONNX has no exact op for them. The -nosat FP8 variants are not either: ORT 1.30's
 * Cast with saturate=0 does not follow the OCP/ONNX overflow rule (E4M3 480 → 448, E5M2 overflow → NaN, not Inf).
 */
const quantizers: Record<string, (format: NumberFormat) => Quantizer | undefined> = {
  fp32: () => undefined,
  fp16: () => castPair(onnxType.float16, 'float16'),
  bf16: () => castPair(onnxType.bfloat16, 'bfloat16'),
  'fp8-e4m3': () => castPair(onnxType.float8e4m3fn, undefined, 1),
  'fp8-e5m2': () => castPair(onnxType.float8e5m2, undefined, 1),
  int8: () => integerGrid(-128, 127, ctxScale),
  int: (f) => integerGrid(-(2 ** (f.bits - 1)), 2 ** (f.bits - 1) - 1, ctxScale),
  q: (f) => {
    const step = 2 ** -Number(f.name.split('.')[1]);
    return integerGrid(-(2 ** (f.bits - 1)), 2 ** (f.bits - 1) - 1, () => step);
  },
};

/** True when `withFormatEmulation` can hold a graph's layers in this format. */
export function canEmulate(format: NumberFormat): boolean {
  return (quantizers[format.name] ?? quantizers[format.name.split(':')[0]!]) !== undefined;
}

/**
 * The graph with each given layer output (tensor → its format context) held in `format`: the layer writes `T.fp32`
 * and the quantizer writes `T`, so names, consumers and outputs stay as they were and a value read at `T` is the
 * format's value, which every later layer then consumes. fp32 returns the graph unchanged.
 */
export function withFormatEmulation(g: Graph, layers: ReadonlyMap<string, FormatContext>, format: NumberFormat): Graph {
  const make = quantizers[format.name] ?? quantizers[format.name.split(':')[0]!];
  check(
    make !== undefined,
    'bad_argument',
    () =>
      `number format ${format.name} cannot be emulated in the graph yet; emulated: ${Object.keys(quantizers).join(', ')} — run it without whole-network emulation`,
  );
  const quantize = make(format);
  if (!quantize) return g;
  const initializers = new Map(g.initializers);
  const valueInfo = new Map(g.valueInfo);
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    const held = n.outputs.filter((o) => layers.has(o));
    nodes.push({ ...n, outputs: n.outputs.map((o) => (layers.has(o) ? `${o}.fp32` : o)) });
    for (const t of held) {
      const v = valueInfo.get(t);
      if (v) valueInfo.set(`${t}.fp32`, { ...v, name: `${t}.fp32` });
      const q = quantize(`${t}.fp32`, t, layers.get(t)!);
      nodes.push(...q.nodes);
      for (const [name, value] of q.constants) initializers.set(name, value);
      // Declared types, so a shape probe that fills undeclared tensors as float does not mistype them.
      if (v) for (const [name, dtype] of q.dtypes) valueInfo.set(name, { ...v, name, dtype });
    }
  }
  return { ...g, nodes, initializers, valueInfo };
}

/** The opset a graph emulating `format` needs: FP8 types arrive in Cast at opset 19. */
function opsetFor(format: NumberFormat, opset: number): number {
  return format.name.startsWith('fp8-') ? Math.max(opset, 19) : opset;
}

/**
 * A classifier's model with every injectable layer output held in `format`, the contexts (int scales) from a golden
 * fp32 profile. Loaded as a classifier again, its layers are the Conv/Gemm/MatMul outputs `T.fp32` just before each
 * quantizer, so golden, plan, runner and report run on it unchanged: the golden accuracy is the format's, a flip hits
 * the format's encoding of the layer value, and the quantizer leaves a format value as it is (except that a saturating
 * format reads a flipped Inf pattern as ±max downstream). Raising the opset to 19 for FP8 is refused by ORT for
 * graphs whose ops changed meaning at 18 (Reduce* with axes attributes), and tgr's own shape inference (src/onnx/dtypes.ts)
 * has no float8 types yet, so an FP8-emulated model runs in ORT but does not load as a classifier.
 */
export function emulatedModel(
  model: Model,
  profile: readonly { tensor: string; maxAbs: number }[],
  format: NumberFormat,
  weights: readonly string[] = [],
): Model {
  const layers = new Map(profile.map((l) => [l.tensor, format.contextFor(l.maxAbs)]));
  const graph = withFormatEmulation(model.graph, layers, format);
  return {
    ...model,
    opset: opsetFor(format, model.opset),
    graph: { ...graph, initializers: withWeightsIn(graph.initializers, weights, format) },
    metadata: { ...model.metadata, 'tgr.emulated_format': format.name },
  };
}

/**
 * The initializers with each named fp32 weight tensor replaced by its values in `format` (`--emulate-weights`),
 * computed by the JS codec once: a weight is a constant, so holding it in the format needs no graph op. The context
 * comes from the tensor's own max |w| (per-tensor int scale; BFP would need blocks and is refused by the graph anyway).
 */
export function withWeightsIn(
  initializers: ReadonlyMap<string, TensorData>,
  weights: readonly string[],
  format: NumberFormat,
): Map<string, TensorData> {
  const out = new Map(initializers);
  for (const name of weights) {
    const w = initializers.get(name);
    check(
      w !== undefined && w.dtype === 'float32',
      'bad_argument',
      () => `weight ${name} is not an fp32 initializer of the model; emulate weights only of Conv/Gemm/MatMul layers`,
    );
    const data = w.data as Float32Array;
    let max = 0;
    for (const v of data) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
    if (max === 0) continue; // all zero: every format holds it as it is
    const ctx = format.contextFor(max);
    out.set(name, { ...w, data: data.map((v) => format.decode(format.encode(v, ctx), ctx)) });
  }
  return out;
}
