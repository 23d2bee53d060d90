import type { Graph, Node, Shape, ValueInfo } from '../../onnx/types.js';
import { i64 } from '../../onnx/tensor.js';

/**
 * Where the batch sits in a tensor: axis `axis` is the batch times `fold` rows per image, the batch the outer
 * (`'outer'`, memory [N, fold]) or inner (`'inner'`, memory [fold, N]) factor. A batch-major tensor is axis 0, fold 1.
 */
export interface BatchLayout {
  axis: number;
  fold: number;
  order: 'outer' | 'inner';
}

/** Reads a dim written by shape inference or the probe: 'N', `N*c` or `c*N`; undefined for anything else. */
export function batchDim(d: Shape[number]): { fold: number; order: BatchLayout['order'] } | undefined {
  if (d === 'N') return { fold: 1, order: 'outer' };
  const m = typeof d === 'string' ? /^(?:N\*(\d+)|(\d+)\*N)$/.exec(d) : null;
  if (!m) return undefined;
  return m[1] ? { fold: Number(m[1]), order: 'outer' } : { fold: Number(m[2]), order: 'inner' };
}

/** The batch layout of a shape, or why it has none usable: one batch dim and fixed numbers elsewhere. */
export function batchLayout(shape: Shape): BatchLayout | string {
  const axes = shape.flatMap((d, i) => (batchDim(d) ? [i] : []));
  const unknown = shape.filter((d) => typeof d !== 'number' && !batchDim(d));
  if (unknown.length) return `its shape [${shape.join(',')}] has dims that are not fixed per image`;
  if (axes.length === 0)
    return 'its output has no batch axis (it computes on constants only, the same for every image)';
  if (axes.length > 1) return `its shape [${shape.join(',')}] carries the batch on ${axes.length} axes`;
  return { axis: axes[0]!, ...batchDim(shape[axes[0]!])! };
}

/**
 * True when the tensor is [N, …per-image]. [N·c, …] holds image n in row n too, but every stage reads the rows off
 * dims[0], so it gets a view like any other layout.
 */
export function isBatchMajor(l: BatchLayout): boolean {
  return l.axis === 0 && l.fold === 1;
}

/** One image's shape: the batch axis becomes its `fold` rows (dropped when 1). */
export function perImageShape(shape: Shape, l: BatchLayout): number[] {
  const dims = shape as number[];
  return [...dims.slice(0, l.axis), ...(l.fold > 1 ? [l.fold] : []), ...dims.slice(l.axis + 1)];
}

/** Flat index in the tensor (batch `batch`) of image `n`'s per-image element `e`. */
export function nativeIndex(shape: Shape, l: BatchLayout, batch: number, n: number, e: number): number {
  const inner = (shape as number[]).slice(l.axis + 1).reduce((a, b) => a * b, 1);
  const rows = l.fold * inner;
  const p = Math.floor(e / rows);
  const ci = Math.floor(e / inner) % l.fold;
  const q = e % inner;
  const row = l.order === 'outer' ? (p * batch + n) * l.fold + ci : (p * l.fold + ci) * batch + n;
  return row * inner + q;
}

/**
 * A batch-major view `T.per_image` [N, …per-image] of tensor T: Reshape (when folded, with -1 for the batch, so
 * any batch size runs) and Transpose, both exact copies. With `rewire`, the inverse turns it back into `T.restored`
 * and every consumer of T reads that, so a value written into the view (a fault, the range detector) is what the
 * rest of the model sees. The view's flat index is image·per + element, the layout every campaign stage assumes.
 */
export function addBatchMajorView(g: Graph, tensor: string, l: BatchLayout, rewire: boolean): Graph {
  const v = (g.valueInfo.get(tensor) ??
    g.inputs.find((i) => i.name === tensor) ??
    g.outputs.find((o) => o.name === tensor))!;
  const shape = v.shape as (number | string)[];
  const per = perImageShape(shape, l);
  const expanded: (number | 'N')[] = [
    ...(shape.slice(0, l.axis) as number[]),
    ...(l.fold === 1 ? ['N' as const] : l.order === 'outer' ? ['N' as const, l.fold] : [l.fold, 'N' as const]),
    ...(shape.slice(l.axis + 1) as number[]),
  ];
  const at = expanded.indexOf('N');
  const perm = [at, ...expanded.map((_, i) => i).filter((i) => i !== at)];
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const name = (s: string) => `${tensor}.${s}`;
  const initializers = new Map(g.initializers);
  const valueInfo = new Map(g.valueInfo);
  const info = (t: string, s: Shape, like: ValueInfo = v) => valueInfo.set(t, { ...like, name: t, shape: s });
  const nodes: Node[] = [];
  const reshape = (from: string, to: string, dims: readonly (number | string)[]) => {
    const target = name(`${to}.shape`);
    initializers.set(
      target,
      i64(
        [dims.length],
        dims.map((d) => (typeof d === 'number' ? d : -1)),
      ),
    );
    nodes.push({ name: name(to), opType: 'Reshape', inputs: [from, target], outputs: [name(to)], attrs: {} });
  };
  const transpose = (from: string, to: string, p: number[]) =>
    nodes.push({
      name: name(to),
      opType: 'Transpose',
      inputs: [from],
      outputs: [name(to)],
      attrs: { perm: { type: 'ints', value: p } },
    });
  let src = tensor;
  if (l.fold > 1) {
    reshape(tensor, 'unfolded', expanded);
    info(name('unfolded'), expanded);
    src = name('unfolded');
  }
  transpose(src, 'per_image', perm);
  info(name('per_image'), ['N', ...per]);
  if (rewire) {
    transpose(name('per_image'), l.fold > 1 ? 'refolded' : 'restored', inverse);
    if (l.fold > 1) {
      info(name('refolded'), expanded);
      reshape(name('refolded'), 'restored', shape);
    }
    info(name('restored'), shape);
  }
  const ours = new Set(nodes);
  const reads = (n: Node) =>
    rewire ? { ...n, inputs: n.inputs.map((t) => (t === tensor ? name('restored') : t)) } : n;
  const rest = g.nodes.map((n) => (ours.has(n) ? n : reads(n)));
  // The view goes right after T's producer, so the node list stays topologically sorted.
  const at0 = rest.findIndex((n) => n.outputs.includes(tensor));
  rest.splice(at0 + 1, 0, ...nodes);
  return { ...g, nodes: rest, initializers, valueInfo };
}
