import type { Graph, Model, TensorData, ValueInfo } from '../onnx/types.js';
import { inferShapes } from '../onnx/infer.js';
import { Session } from './session.js';
import { zeros } from '../onnx/tensor.js';
import { TgrError } from '../core/errors.js';

/**
 * Learns the dtype and shape of every tensor of a model by running it: exposes all node outputs, runs twice with
 * batch sizes 2 and 3, and marks the dimensions that follow the batch size as 'N'. This is how a foreign model (a
 * torchvision export with ops tgr has no shape rule for) gets the value infos that cutting needs.
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
  const run = async (batch: number) => {
    const feeds: Record<string, TensorData> = { [input.name]: zeros(input.dtype, [batch, ...inputShape]) };
    return session.run(feeds);
  };
  const [a, b] = [await run(2), await run(3)];
  await session.release();
  const valueInfo = new Map<string, ValueInfo>();
  for (const n of names) {
    const ta = a[n];
    const tb = b[n];
    if (!ta || !tb) continue;
    const shape = ta.dims.map((d, i) => (tb.dims[i] !== d ? (d === 2 && tb.dims[i] === 3 ? 'N' : `?${n}:${i}`) : d));
    valueInfo.set(n, { name: n, dtype: ta.dtype, shape });
  }
  const io = (v: ValueInfo) => valueInfo.get(v.name) ?? v;
  return { ...model, graph: { ...model.graph, outputs: model.graph.outputs.map(io), valueInfo } };
}
