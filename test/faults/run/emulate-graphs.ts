/** Small graphs the emulation tests hold in a format. */
import type { Dim, Graph, Model } from '../../../src/onnx/types.js';
import { f32 } from '../../../src/onnx/tensor.js';

/** x → a = x·1, the layer held in the format; `a` declared with the given dims (BFP needs the channel count). */
export function oneLayer(dims: Dim[], opset: number): Model {
  const graph: Graph = {
    name: 'one-layer',
    nodes: [{ name: 'l1', opType: 'Mul', inputs: ['x', 'one'], outputs: ['a'], attrs: {} }],
    inputs: [{ name: 'x', dtype: 'float32', shape: dims }],
    outputs: [{ name: 'a', dtype: 'float32', shape: dims }],
    initializers: new Map([['one', f32([], [1])]]),
    valueInfo: new Map([['a', { name: 'a', dtype: 'float32', shape: dims }]]),
  };
  return { graph, opset, extraOpsets: {}, irVersion: 9, producer: 'test', metadata: {} };
}
