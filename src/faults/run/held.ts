import { check } from '../../core/errors.js';
import type { Model } from '../../onnx/types.js';
import type { ClassifierLayer } from '../model/layers.js';
import { bfpExponent } from '../formats/bfp.js';
import { channelLayout, outputChannelAxis } from './channel-axis.js';
import type { FormatContext, Grid, NumberFormat } from '../formats/format.js';

/**
 * Where a layer's values are stored in a network emulated in a campaign's format: the quantizer's output `T` after
 * the layer's `T.fp32` (see emulate.ts), and the format context of each stored value — the one the graph quantised it
 * with. A flip hits that stored encoding: the runner injects at `T`, so no quantizer runs after the fault and a BFP
 * block keeps its shared exponent (hardware stores it; it is not recomputed from the faulty values).
 */
export interface HeldLayer {
  /** The tensor that holds the layer's values in the format. */
  readonly tensor: string;
  /** The context of element `index` of one image's values at `tensor` (`row`: that image's golden values there). */
  context(row: Float32Array, index: number): FormatContext;
  /** The value the format stores for fp32 `v` at element `index` (its context), as the quantizer would store it. */
  hold(v: number, row: Float32Array, index: number): number;
  /** The elements that share `index`'s `format.shared` bits (its BFP block), itself included; else just `index`. */
  group(index: number): number[];
}

/**
 * The flat indices of the block of K holding `index` in a row-major tensor laid out as [outer, channels, inner]: the
 * same outer and inner position, channels ⌊c/K⌋K … (the last block may be shorter).
 */
export function blockOf(channels: number, inner: number, block: number, index: number): number[] {
  const base = index - (index % (channels * inner));
  const c = Math.floor(index / inner) % channels;
  const out: number[] = [];
  for (let k = c - (c % block); k < Math.min(channels, c - (c % block) + block); k++)
    out.push(base + k * inner + (index % inner));
  return out;
}

/** A block's shared exponent from its stored values: their largest lies in [2^E, 2^(E+1)) (see bfpFamily). */
function blockExponent(values: Float32Array, block: readonly number[]): FormatContext {
  let max = 0;
  for (const j of block) max = Math.max(max, Math.abs(values[j]!));
  return { exponent: bfpExponent(max) };
}

/** Per grid kind, how a stored value's context is found: in the graph's constants or in the golden block. */
const contextReaders: {
  [K in Grid['kind']]: (
    grid: Extract<Grid, { kind: K }>,
    model: Model,
    held: string,
    layer: ClassifierLayer,
  ) => HeldLayer['context'];
} = {
  exact: () => () => ({}),
  cast: () => () => ({}),
  minifloat: () => () => ({}),
  integer: (grid, model, held, layer) => {
    const scales = quantizerScales(model, held);
    if (!grid.perChannel) return () => ({ scale: scales[0]! });
    const channels = layer.shape[0] ?? 1;
    check(
      scales.length === channels,
      'bad_model',
      () =>
        `${held}: the per-channel quantizer holds ${scales.length} scales for ${channels} channels; re-emulate the model (tgr emulate)`,
    );
    const inner = layer.neurons / channels;
    return (_row, index) => ({ scale: scales[Math.floor(index / inner) % channels]! });
  },
  blocks: (grid, _model, _held, layer) => {
    const channels = layer.shape[0] ?? 1;
    return (row, index) => blockExponent(row, blockOf(channels, layer.neurons / channels, grid.block, index));
  },
};

/**
 * The stored form of `layer` when `model` is a network emulated in `format` (its metadata says so and the layer's
 * quantizer is found); undefined otherwise — a flip in another format than the network's is a value-only flip at the
 * layer output, as on an fp32 network.
 */
export function heldLayer(model: Model, layer: ClassifierLayer, format: NumberFormat): HeldLayer | undefined {
  if (model.metadata['tgr.emulated_format'] !== format.name || !layer.tensor.endsWith('.fp32')) return undefined;
  const tensor = layer.tensor.slice(0, -'.fp32'.length);
  if (!model.graph.nodes.some((n) => n.name === `${tensor}.emulate_back`)) return undefined;
  const read = contextReaders[format.grid.kind] as (
    g: Grid,
    m: Model,
    h: string,
    l: ClassifierLayer,
  ) => HeldLayer['context'];
  const context = read(format.grid, model, tensor, layer);
  const channels = layer.shape[0] ?? 1;
  const block = format.grid.kind === 'blocks' ? format.grid.block : 1;
  return {
    tensor,
    context,
    group: (index) => (block > 1 ? blockOf(channels, layer.neurons / channels, block, index) : [index]),
    hold: (v, row, index) => {
      const ctx = context(row, index);
      return format.decode(format.encode(v, ctx), ctx);
    },
  };
}

/**
 * The scale(s) an integer quantizer divides by: the divisor of its first Div, a float64 initializer (one value, or
 * one per channel) — the graph's own numbers, so a flip is encoded on exactly the grid the network holds.
 */
function quantizerScales(model: Model, held: string): number[] {
  const div = model.graph.nodes.find((n) => n.opType === 'Div' && n.name.startsWith(`${held}.emulate_`));
  const scale = div && model.graph.initializers.get(div.inputs[1]!);
  check(
    scale !== undefined && (scale.dtype === 'float64' || scale.dtype === 'float32'),
    'bad_model',
    () => `${held}: no integer quantizer scale found in the emulated graph; re-emulate the model (tgr emulate)`,
  );
  return Array.from(scale.data as Float64Array);
}

/** A weight tensor held in a campaign's format: each element's stored context, and the elements sharing its bits. */
export interface HeldWeight {
  /** The context element `index` of the weight was stored with. */
  context(index: number): FormatContext;
  /** The elements that share `index`'s `format.shared` bits (its BFP block), itself included; else just `index`. */
  group(index: number): number[];
}

/**
 * How `layer`'s weight is stored when `model` holds its weights in `format` (`--emulate-weights`): int scales from
 * the model's metadata (per output channel for int:K:channel), a BFP block's exponent from the stored block along
 * axis 1 (as `bfpQuantize` lays blocks), so a flip of a block's shared exponent changes all K weights of that block.
 * Undefined for weights left in fp32.
 */
export function heldWeight(model: Model, layer: ClassifierLayer, format: NumberFormat): HeldWeight | undefined {
  const listed = model.metadata['tgr.emulated_weights'];
  if (model.metadata['tgr.emulated_format'] !== format.name || !listed || !layer.weight) return undefined;
  const scales = (JSON.parse(listed) as Record<string, number[]>)[layer.weight];
  const w = model.graph.initializers.get(layer.weight);
  if (!scales || !w) return undefined;
  const grid = format.grid;
  const alone = (index: number) => [index];
  if (grid.kind === 'integer') {
    const { channels, inner } = channelLayout(
      w.dims,
      grid.perChannel ? outputChannelAxis(model.graph, layer.weight) : 0,
    );
    check(
      scales.length === (grid.perChannel ? channels : 1),
      'bad_model',
      () =>
        `${layer.weight}: the model lists ${scales.length} weight scales for ${format.name}; re-emulate it (tgr emulate)`,
    );
    return {
      context: (index) => ({ scale: scales[grid.perChannel ? Math.floor(index / inner) % channels : 0]! }),
      group: alone,
    };
  }
  if (grid.kind !== 'blocks') return { context: () => ({}), group: alone };
  const data = w.data as Float32Array;
  const { channels, inner } = channelLayout(w.dims, 1);
  const group = (index: number) => blockOf(channels, inner, grid.block, index);
  return { context: (index) => blockExponent(data, group(index)), group };
}
