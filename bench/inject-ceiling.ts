/**
 * How fast exact fault injection could be at best, for bench/inject.ts: the multiply-adds an exact evaluation of one
 * fault cannot avoid, as a fraction of a full forward pass. A single changed element at a layer's output changes, in
 * each later Conv, only the outputs whose windows reach a changed input; an ideal incremental engine (delta
 * propagation over the spatial cone, no unit passes, no overhead) spends per Conv at least
 * (changed inputs) × Co × kh·kw ÷ (sh·sw) multiply-adds, at most the Conv's full count. Elementwise work, Gemm and
 * pooling are left out, so the fraction is a lower bound on cost and the ceiling derived from it an upper bound on
 * speed. Averaged over every position of the layer's output (border sites have smaller cones). Not used by the
 * toolkit: it only bounds what bench/inject.ts may expect of any exact method on a given model.
 */
import type { Graph } from '../src/onnx/types.js';
import type { ClassifierLayer } from '../src/faults/model/layers.js';

/** A changed region: a rectangle of rows × columns (end exclusive) and how many channels changed in it. */
interface Region {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  channels: 'one' | 'all';
}

const ints = (n: Graph['nodes'][number], k: string, d: number[]) => (n.attrs[k]?.value as number[] | undefined) ?? d;

/** A Conv's geometry and its full multiply-add count. */
interface ConvInfo {
  co: number;
  ci: number;
  kh: number;
  kw: number;
  ho: number;
  wo: number;
  full: number;
}

/** Every Conv of the graph by node, in graph order. */
function convTable(g: Graph): Map<Graph['nodes'][number], ConvInfo> {
  const shape = (t: string) => g.valueInfo.get(t)?.shape ?? g.outputs.find((o) => o.name === t)?.shape;
  return new Map(
    g.nodes
      .filter((n) => n.opType === 'Conv')
      .map((n) => {
        const [co, ci, kh, kw] = g.initializers.get(n.inputs[1]!)!.dims as [number, number, number, number];
        const [, , ho, wo] = shape(n.outputs[0]!)! as [unknown, unknown, number, number];
        return [n, { co, ci, kh, kw, ho, wo, full: co * ci * kh * kw * ho * wo }];
      }),
  );
}

/**
 * Per injectable Conv layer, for each figure `costs` makes of one position's walk (its cone multiply-adds and the
 * later Convs it reaches): the mean over the layer's output positions ÷ one full forward's multiply-adds.
 */
function meanOverPositions(
  g: Graph,
  layers: readonly ClassifierLayer[],
  costs: (cone: number, steps: ConvStep[]) => number[],
): Map<string, number[]> {
  const convs = convTable(g);
  const fullForward = [...convs.values()].reduce((s, c) => s + c.full, 0);
  const result = new Map<string, number[]>();
  for (const layer of layers) {
    if (layer.opType !== 'Conv' || layer.shape.length !== 3) continue;
    const [, H, W] = layer.shape as [number, number, number];
    const start = g.nodes.findIndex((n) => n.outputs.includes(layer.tensor));
    let totals: number[] = [];
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const steps: ConvStep[] = [];
        const first: Region = { y0: y, y1: y + 1, x0: x, x1: x + 1, channels: 'one' };
        const c = costs(coneMacs(g, start, layer.tensor, first, convs, steps), steps);
        totals = c.map((v, i) => (totals[i] ?? 0) + v);
      }
    result.set(
      layer.name,
      totals.map((t) => t / (H * W) / fullForward),
    );
  }
  return result;
}

/** Per injectable Conv layer: the mean over output positions of cone multiply-adds ÷ one full forward's. */
export function coneFractions(g: Graph, layers: readonly ClassifierLayer[]): Map<string, number> {
  return new Map([...meanOverPositions(g, layers, (cone) => [cone])].map(([k, [v]]) => [k, v!]));
}

/** Cropped-suffix costs of one layer, each as a fraction of a full forward's multiply-adds (means over positions). */
export interface CropCost {
  /**
   * Each later Conv computes, for all its channels, only the output rectangle a changed input reaches (reading every
   * input channel there and golden values in its halo), and is dense once that rectangle covers its map: the least a
   * crop can cost, with the changed values pasted into golden ones before every Conv.
   */
  cone: number;
  /**
   * One crop per fault, run as a chain of unpadded Convs: the stride-1 Convs right after the fault compute the
   * rectangle the last of them needs grown by the halos of the ones after (so the crop shrinks Conv by Conv to that
   * Conv's cone), the rest of the suffix dense; the best place to stop cropping, per position.
   */
  chain: number;
}

/**
 * Per injectable Conv layer: what running its suffix on the fault's receptive-field crop costs at best (issue 14
 * must-show 6), in two forms (CropCost). Unlike `coneFractions` both count every input channel.
 */
export function cropFractions(g: Graph, layers: readonly ClassifierLayer[]): Map<string, CropCost> {
  const per = (c: ConvInfo, r: Region) => Math.min(c.full, area(r) * c.co * c.ci * c.kh * c.kw);
  const costs = (_: number, steps: ConvStep[]) => {
    const cone = steps.reduce((s, { conv, out }) => s + per(conv, out), 0);
    const rest = (j: number) => steps.slice(j).reduce((s, { conv }) => s + conv.full, 0);
    let chain = rest(0);
    for (let last = 0; last < steps.length && steps[last]!.stride1; last++) {
      // Conv j must output what conv j + 1 reads: its own rectangle grown by conv j + 1's halo.
      let r = steps[last]!.out;
      let cost = per(steps[last]!.conv, r);
      for (let j = last - 1; j >= 0; j--) {
        const next = steps[j + 1]!.conv;
        const c = steps[j]!.conv;
        r = grow(r, (next.kh - 1) >> 1, (next.kw - 1) >> 1, c.ho, c.wo);
        cost += per(c, r);
      }
      chain = Math.min(chain, cost + rest(last + 1));
    }
    return [cone, chain];
  };
  return new Map(
    [...meanOverPositions(g, layers, costs)].map(([k, [cone, chain]]) => [k, { cone: cone!, chain: chain! }]),
  );
}

const area = (r: Region) => (r.y1 - r.y0) * (r.x1 - r.x0);
const grow = (r: Region, dy: number, dx: number, h: number, w: number): Region => ({
  y0: Math.max(0, r.y0 - dy),
  y1: Math.min(h, r.y1 + dy),
  x0: Math.max(0, r.x0 - dx),
  x1: Math.min(w, r.x1 + dx),
  channels: 'all',
});

/** A later Conv on a fault's path: its geometry, the output rectangle the fault can change, whether it has stride 1. */
interface ConvStep {
  conv: ConvInfo;
  out: Region;
  stride1: boolean;
}

/** Per layer: the multiply-adds of the Convs after it (its whole suffix, dense) ÷ one full forward's. */
export function suffixFractions(g: Graph, layers: readonly ClassifierLayer[]): Map<string, number> {
  const convs = [...convTable(g)];
  const fullForward = convs.reduce((s, [, c]) => s + c.full, 0);
  return new Map(
    layers.map((l) => {
      const at = convs.findIndex(([n]) => n.name === l.name);
      return [l.name, at < 0 ? 0 : convs.slice(at + 1).reduce((s, [, c]) => s + c.full, 0) / fullForward];
    }),
  );
}

function coneMacs(
  g: Graph,
  start: number,
  tensor: string,
  first: Region,
  convs: Map<Graph['nodes'][number], ConvInfo>,
  steps?: ConvStep[],
): number {
  const changed = new Map<string, Region>([[tensor, first]]);
  let macs = 0;
  for (const n of g.nodes.slice(start + 1)) {
    const ins = n.inputs.map((t) => changed.get(t)).filter((r): r is Region => !!r);
    if (!ins.length) continue;
    const conv = convs.get(n);
    let out: Region;
    if (conv) {
      const r = ins[0]!;
      const [sh, sw] = ints(n, 'strides', [1, 1]) as [number, number];
      const [pt, pl] = ints(n, 'pads', [0, 0, 0, 0]) as [number, number];
      const [dh, dw] = ints(n, 'dilations', [1, 1]) as [number, number];
      // Output rows whose window [y·s − p, y·s − p + (k−1)·d] meets [y0, y1).
      const lo = (a: number, p: number, k: number, d: number, s: number) =>
        Math.max(0, Math.ceil((a + p - (k - 1) * d) / s));
      const hi = (b: number, p: number, s: number, n: number) => Math.min(n, Math.floor((b - 1 + p) / s) + 1);
      out = {
        y0: lo(r.y0, pt, conv.kh, dh, sh),
        y1: hi(r.y1, pt, sh, conv.ho),
        x0: lo(r.x0, pl, conv.kw, dw, sw),
        x1: hi(r.x1, pl, sw, conv.wo),
        channels: 'all',
      };
      const changedIn = area(r) * (r.channels === 'one' ? 1 : conv.ci);
      macs += Math.min(conv.full, (changedIn * conv.co * conv.kh * conv.kw) / (sh * sw));
      steps?.push({ conv, out, stride1: sh === 1 && sw === 1 });
    } else if (n.opType === 'Slice') {
      // Option-A shortcuts take every second row and column.
      const step = (g.initializers.get(n.inputs[4] ?? '')?.data as BigInt64Array | undefined)?.[0];
      const s = step ? Number(step) : 1;
      const r = ins[0]!;
      out = {
        y0: Math.ceil(r.y0 / s),
        y1: Math.ceil(r.y1 / s),
        x0: Math.ceil(r.x0 / s),
        x1: Math.ceil(r.x1 / s),
        channels: r.channels,
      };
    } else if (['GlobalAveragePool', 'Flatten', 'Gemm', 'MatMul', 'ReduceMean'].includes(n.opType)) {
      out = { y0: 0, y1: 1, x0: 0, x1: 1, channels: 'all' };
    } else {
      // Pointwise (BN, ReLU, Add, Pad over channels): the union of the changed inputs.
      out = ins.reduce((a, b) => ({
        y0: Math.min(a.y0, b.y0),
        y1: Math.max(a.y1, b.y1),
        x0: Math.min(a.x0, b.x0),
        x1: Math.max(a.x1, b.x1),
        channels: a.channels === 'all' || b.channels === 'all' ? 'all' : 'one',
      }));
    }
    for (const o of n.outputs) if (o) changed.set(o, out);
  }
  return macs;
}
