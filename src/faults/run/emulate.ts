import { check } from '../../core/errors.js';
import { attr, type Graph, type Model, type Node, type TensorData } from '../../onnx/types.js';
import { bfpQuantize, type bfpFamily } from '../formats/bfp.js';
import type { Grid } from '../formats/format.js';
import type { FormatContext, NumberFormat } from '../formats/registry.js';
import { numberFormat } from '../formats/registry.js';
import { loadClassifier } from '../model/classifier.js';
import type { GoldenRun } from '../store/records.js';
import { saveModel } from '../../onnx/proto-io.js';
import { channelMaxAbs } from './channel-profile.js';
import { bfpGrid, minifloatGrid } from './emulate-float.js';
import { readGolden } from './golden.js';
import { channelLayout, outputChannelAxis } from './channel-axis.js';
import type { ImageSet } from './images.js';
import { onnxType, QuantizerBuilder, type LayerFacts, type Quantizer } from './emulate-graph.js';

/** x → Cast(format) → Cast(float): ORT's Cast rounds to nearest even as the JS codecs do (bit for bit, tested). */
function castPair(held: 'float16' | 'bfloat16'): Quantizer {
  return (x, y) => {
    const b = new QuantizerBuilder(y);
    return b.finish(b.op('Cast', [x], { attrs: { to: attr.int(onnxType[held]) }, dtype: held }));
  };
}

/**
 * Symmetric integer grids (int8, int:K, q:I.F) computed in float64 as the JS codecs compute them: x / scale in
 * double, clamped, Round (half to even), NaN and −0 → +0 by Where (the pattern 0 decodes to +0; ORT folds x + 0),
 * q · scale in double, one rounding to fp32. QuantizeLinear divides in fp32 and would differ from the reference at
 * rare ties. Per channel, the scale is a [C, 1, …] tensor that broadcasts along axis 1.
 */
function integerGrid(grid: Extract<Grid, { kind: 'integer' }>): Quantizer {
  return (x, y, ctx, layer) => {
    const b = new QuantizerBuilder(y);
    const scale = grid.perChannel ? channelScales(b, x, ctx, layer) : b.c(grid.step ?? ctx.scale!);
    const v = b.op('Div', [b.input(x), scale]);
    const round = b.op('Round', [b.op('Min', [b.op('Max', [v, b.c(grid.lo)]), b.c(grid.hi)])]);
    const toZero = b.op(
      'Or',
      [b.op('IsNaN', [v], { dtype: 'bool' }), b.op('Equal', [round, b.c(0)], { dtype: 'bool' })],
      { dtype: 'bool' },
    );
    return b.finish(b.op('Mul', [b.op('Where', [toZero, b.c(0), round]), scale]));
  };
}

/** The per-channel scales as a float64 [C, 1, …] constant that broadcasts over the layer output's axis 1. */
function channelScales(b: QuantizerBuilder, x: string, ctx: FormatContext, layer: LayerFacts): string {
  const shape = layer.info?.shape ?? [];
  const scales = ctx.scales;
  check(
    scales !== undefined && !layer.info?.rankUnknown && shape.length >= 2 && shape[1] === scales.length,
    'bad_model',
    () =>
      `per-channel emulation of ${x.replace(/\.fp32$/, '')} needs one scale per channel of its output [${shape.join(',')}]; got ${scales?.length ?? 'no'} scales — profile the layer's channels (channelMaxAbs)`,
  );
  return b.tensor(Float64Array.from(scales), [scales.length, ...shape.slice(2).map(() => 1)]);
}

/** How each kind of format grid is emulated in the graph (the format declares its grid: formats/format.ts). */
const quantizers: { [K in Grid['kind']]: (grid: Extract<Grid, { kind: K }>) => Quantizer | undefined } = {
  exact: () => undefined,
  cast: (g) => castPair(g.dtype),
  minifloat: (g) => minifloatGrid(g),
  integer: (g) => integerGrid(g),
  blocks: (g) => bfpGrid(g.block, g.mantissa),
};

/** The quantizer of a format's grid (undefined for fp32). */
function quantizerOf(format: NumberFormat): Quantizer | undefined {
  const make = quantizers[format.grid.kind] as (g: Grid) => Quantizer | undefined;
  return make(format.grid);
}

/**
 * The graph with each given layer output (tensor → its format context) held in `format`: the layer writes `T.fp32`
 * and the quantizer writes `T`, so names, consumers and outputs stay as they were and a value read at `T` is the
 * format's value, which every later layer then consumes. fp32 returns the graph unchanged. `opset`: the model's
 * (ReduceMax's form depends on it).
 */
export function withFormatEmulation(
  g: Graph,
  layers: ReadonlyMap<string, FormatContext>,
  format: NumberFormat,
  opset = 17,
): Graph {
  const quantize = quantizerOf(format);
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
      const q = quantize(`${t}.fp32`, t, layers.get(t)!, { info: v, opset });
      nodes.push(...q.nodes);
      for (const [name, value] of q.constants) initializers.set(name, value);
      // Declared types, so a shape probe that fills undeclared tensors as float does not mistype them.
      if (v) {
        for (const { name, dtype, sameShape } of q.declared) {
          valueInfo.set(name, sameShape ? { ...v, name, dtype } : { name, dtype, shape: [], rankUnknown: true });
        }
      }
    }
  }
  return { ...g, nodes, initializers, valueInfo };
}

/**
 * A classifier's model with every injectable layer output held in `format`, the contexts (int scales) from a golden
 * fp32 profile. Loaded as a classifier again, its layers are the Conv/Gemm/MatMul outputs `T.fp32` just before each
 * quantizer, so golden, plan, runner and report run on it unchanged: the golden accuracy is the format's, and a campaign
 * in the format flips the stored value after the quantizer (held.ts) with the context it was stored with. With
 * weights held, the metadata lists their int scales (`tgr.emulated_weights`), which a stored tensor does not give back. No float8 tensor appears (FP8 is composed of double ops), so
 * the opset stays the model's.
 */
export function emulatedModel(
  model: Model,
  profile: readonly { tensor: string; maxAbs: number }[],
  format: NumberFormat,
  weights: readonly string[] = [],
  channels?: ReadonlyMap<string, readonly number[]>,
): Model {
  const layers = new Map(profile.map((l) => [l.tensor, layerContext(format, l, channels?.get(l.tensor))]));
  const graph = withFormatEmulation(model.graph, layers, format, model.opset);
  const axes = new Map(weights.map((w) => [w, outputChannelAxis(model.graph, w)]));
  const held = withWeightsIn(graph.initializers, weights, format, axes);
  return {
    ...model,
    graph: { ...graph, initializers: held },
    metadata: {
      ...model.metadata,
      'tgr.emulated_format': format.name,
      // The scales the weights were stored with (a stored tensor's max |w| does not give them back exactly).
      ...(weights.length ? { 'tgr.emulated_weights': JSON.stringify(Object.fromEntries(held.scales)) } : {}),
    },
  };
}

/**
 * A layer's context: the format's own from the layer's max |x|, plus per-channel scales (`channelMaxAbs`) for a
 * per-channel grid. A channel that was 0 on every image takes the layer's scale: any scale holds 0 exactly.
 */
function layerContext(
  format: NumberFormat,
  layer: { tensor: string; maxAbs: number },
  channelMax: readonly number[] | undefined,
): FormatContext {
  const ctx = format.contextFor(layer.maxAbs);
  if (format.grid.kind !== 'integer' || !format.grid.perChannel) return ctx;
  check(
    channelMax !== undefined,
    'bad_argument',
    () =>
      `${format.name} needs each channel's max |x| of layer output ${layer.tensor}; profile them with channelMaxAbs (emulatedModelFor does, given images)`,
  );
  return { ...ctx, scales: channelMax.map((m) => (m > 0 ? format.contextFor(m).scale! : ctx.scale!)) };
}

/**
 * The initializers with each named fp32 weight tensor replaced by its values in `format` (`--emulate-weights`),
 * computed by the JS codec once: a weight is a constant, so holding it in the format needs no graph op. The context
 * comes from the tensor's own max |w| (an int scale per tensor, or per output channel for int:K:channel along
 * `axes`' axis, default 0, a channel of zeros taking the tensor's); BFP blocks run along the weight's axis 1 (a Conv's
 * input channels) as `bfpQuantize` does. `scales`: each held weight's int scales (one, one per channel, or none).
 */
export function withWeightsIn(
  initializers: ReadonlyMap<string, TensorData>,
  weights: readonly string[],
  format: NumberFormat,
  axes: ReadonlyMap<string, number> = new Map(),
): Map<string, TensorData> & { scales: Map<string, number[]> } {
  const out = Object.assign(new Map(initializers), { scales: new Map<string, number[]>() });
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
    if (format.grid.kind === 'blocks') {
      out.scales.set(name, []);
      out.set(name, { ...w, data: bfpQuantize(format as ReturnType<typeof bfpFamily>, data, w.dims) });
      continue;
    }
    const ctx = format.contextFor(max);
    if (format.grid.kind !== 'integer' || !format.grid.perChannel) {
      out.scales.set(name, ctx.scale !== undefined ? [ctx.scale] : []);
      out.set(name, { ...w, data: data.map((v) => format.decode(format.encode(v, ctx), ctx)) });
      continue;
    }
    const axis = axes.get(name) ?? 0;
    const { channels, inner } = channelLayout(w.dims, axis);
    const maxima = new Array<number>(channels).fill(0);
    data.forEach((v, i) => {
      const c = Math.floor(i / inner) % channels;
      if (Number.isFinite(v)) maxima[c] = Math.max(maxima[c]!, Math.abs(v));
    });
    const scales = maxima.map((m) => (m > 0 ? format.contextFor(m).scale! : ctx.scale!));
    out.scales.set(name, scales);
    out.set(name, {
      ...w,
      data: data.map((v, i) => {
        const c = { scale: scales[Math.floor(i / inner) % channels]! };
        return format.decode(format.encode(v, c), c);
      }),
    });
  }
  return out;
}

/** What `emulatedModelFor` needs besides the model: the fp32 golden profile, and images for per-channel formats. */
export interface EmulateOptions {
  /** The fp32 model's golden.json (path or parsed): its per-layer max |x| sets int scales and BFP contexts. */
  golden: string | GoldenRun;
  /** Hold each layer's weight tensor in the format too (`--emulate-weights`). */
  weights?: boolean;
  /** The golden pass's images: per-channel formats (int:K:channel) profile each channel on `golden.indices`. */
  images?: ImageSet;
  /** The image shape [C,H,W] when the model file does not fix it. */
  inputShape?: number[];
  threads?: number;
  quiet?: boolean;
}

/**
 * Writes `outPath` (atomically): the classifier at `modelPath` with every injectable layer output held in `format`
 * (a name or family spec) inside the graph, as `tgr emulate` does; a campaign on the written model is a campaign in
 * that format. Costs one shape inference of the model, and for a per-channel format one forward pass over the golden
 * images. Returns what was held.
 */
export async function emulatedModelFor(
  modelPath: string,
  format: string | NumberFormat,
  outPath: string,
  opts: EmulateOptions,
): Promise<{ format: string; layers: number; weights: number }> {
  const fmt = typeof format === 'string' ? numberFormat(format) : format;
  const clf = await loadClassifier(modelPath, { inputShape: opts.inputShape });
  const golden = typeof opts.golden === 'string' ? readGolden(opts.golden) : opts.golden;
  const weights = opts.weights ? clf.layers.flatMap((l) => (l.weight ? [l.weight] : [])) : [];
  let channels: Map<string, number[]> | undefined;
  if (fmt.grid.kind === 'integer' && fmt.grid.perChannel) {
    check(
      opts.images !== undefined,
      'bad_argument',
      () => `${fmt.name} profiles each channel on the golden images; pass the images (tgr emulate: --dataset)`,
    );
    channels = await channelMaxAbs({
      classifier: clf,
      images: opts.images,
      indices: golden.indices,
      threads: opts.threads,
      quiet: opts.quiet,
    });
  }
  saveModel(emulatedModel(clf.model, golden.layers, fmt, weights, channels), outPath);
  return { format: fmt.name, layers: clf.layers.length, weights: weights.length };
}
