import type { Graph, Model, TensorData, ValueInfo } from '../onnx/types.js';
import { inferShapes } from '../onnx/infer.js';
import { Session } from './session.js';
import { TgrError } from '../core/errors.js';
import { Rng } from '../core/rng.js';

/**
 * Learns the dtype and shape of every tensor of a model by running it: exposes all node outputs, runs on batches of
 * 2 and 3 images (the first two the same), and marks the dimension that follows the batch size. A dimension that is
 * the batch is 'N'; one that is the batch times c rows per image is `N*c` when the batch is its outer factor and
 * `c*N` when the inner one (PyTorch's attention folds [L, N, E] into [L·N, E] and heads into [N·H, L, d]); which of
 * the two is read from the values: only the right one gives images 0 and 1 the same values in both runs. Anything
 * else that varies is `?tensor:axis`. This is how a foreign model (a torchvision export with ops tgr has no shape
 * rule for) gets the value infos that cutting and fault sites need.
 */
export async function probeShapes(model: Model, inputShape: number[], opts: { threads?: number } = {}): Promise<Model> {
  const g = inferShapes(model.graph, model.opset, false);
  const names = g.nodes.flatMap((n) => n.outputs).filter((o) => o !== '');
  const outputs: ValueInfo[] = names.map((n) => ({
    name: n,
    dtype: g.valueInfo.get(n)?.dtype ?? 'float32',
    shape: [],
    rankUnknown: true,
  }));
  // Shape-only tensors may be graph outputs already; keep each name once.
  const probeGraph: Graph = { ...g, outputs, valueInfo: new Map() };
  const session = await Session.create(
    { ...model, graph: probeGraph },
    { threads: opts.threads ?? 1, label: model.graph.name },
  );
  const input = model.graph.inputs[0];
  if (!input) throw new TgrError('bad_model', `${model.graph.name}: the model has no inputs`);
  // Distinct images: with equal (or zero) images both fold orders would give the same values.
  const per = inputShape.reduce((a, b) => a * b, 1);
  const rng = new Rng('probe');
  const pixels = Float32Array.from({ length: 3 * per }, () => rng.normal());
  const run = async (batch: number) => {
    const x = { dtype: input.dtype, dims: [batch, ...inputShape], data: pixels.subarray(0, batch * per) };
    return session.run({ [input.name]: x as TensorData });
  };
  const [a, b] = [await run(2), await run(3)];
  await session.release();
  const valueInfo = new Map<string, ValueInfo>();
  for (const n of names) {
    const ta = a[n];
    const tb = b[n];
    if (!ta || !tb) continue;
    const shape = ta.dims.map((d, i) => (tb.dims[i] === d ? d : (batchDim(ta, tb, i) ?? `?${n}:${i}`)));
    valueInfo.set(n, { name: n, dtype: ta.dtype, shape });
  }
  const io = (v: ValueInfo) => valueInfo.get(v.name) ?? v;
  return { ...model, graph: { ...model.graph, outputs: model.graph.outputs.map(io), valueInfo } };
}

/** 'N', `N*c` or `c*N` for axis `k`, which differs between the batch-2 run `a` and the batch-3 run `b`. */
function batchDim(a: TensorData, b: TensorData, k: number): string | undefined {
  const c = a.dims[k]! / 2;
  const others = a.dims.every((d, i) => i === k || d === b.dims[i]);
  if (!others || !Number.isInteger(c) || b.dims[k] !== 3 * c) return undefined;
  if (c === 1) return 'N';
  if (a.dtype !== 'float32') return undefined;
  const outer = a.dims.slice(0, k).reduce((x, y) => x * y, 1);
  const inner = a.dims.slice(k + 1).reduce((x, y) => x * y, 1);
  const da = a.data as Float32Array;
  const db = b.data as Float32Array;
  let scale = 0;
  for (const v of da) scale = Math.max(scale, Math.abs(v));
  // Largest difference between the runs over images 0 and 1 when read with the batch outer or inner in the fold.
  const error = (nOuter: boolean) => {
    let worst = 0;
    const at = (B: number, p: number, n: number, ci: number, q: number) =>
      (nOuter ? (p * B + n) * c + ci : (p * c + ci) * B + n) * inner + q;
    for (let p = 0; p < outer; p++)
      for (let n = 0; n < 2; n++)
        for (let ci = 0; ci < c; ci++)
          for (let q = 0; q < inner; q++) {
            const d = Math.abs(da[at(2, p, n, ci, q)]! - db[at(3, p, n, ci, q)]!);
            if (!(d <= worst)) worst = d;
          }
    return worst;
  };
  const [eo, ei] = [error(true), error(false)];
  const tol = 1e-4 * (1 + scale);
  // Both readings agree when the values do not depend on the image: the order cannot be told, so it is not claimed.
  if (eo <= tol && ei > tol) return `N*${c}`;
  if (ei <= tol && eo > tol) return `${c}*N`;
  return undefined;
}
