/** What a backbone test reads of a built model: its Conv/Gemm/MatMul layers in graph order and its parameter shapes. */
import { buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import type { Model } from '../../src/onnx/types.js';

/** A backbone with the linear head at `side`×`side` RGB, 10 classes, weights left zero (shapes only). */
export function shapesOnly(backbone: string, side: number, more: Partial<ModelSpec> = {}): Model {
  return buildModel(
    { backbone, head: 'linear', inputShape: [3, side, side], numClasses: 10, ...more },
    { shapesOnly: true },
  );
}

/** The injectable layers (Conv, Gemm, MatMul nodes) in graph order. */
export function layerNames(m: Model): string[] {
  return m.graph.nodes.filter((n) => ['Conv', 'Gemm', 'MatMul'].includes(n.opType)).map((n) => n.name);
}

/** A parameter's dims. */
export function dims(m: Model, name: string): number[] | undefined {
  return m.graph.initializers.get(name)?.dims;
}

/** The static shape inferred for a node's first output. */
export function outShape(m: Model, node: string): (number | string)[] | undefined {
  const n = m.graph.nodes.find((x) => x.name === node);
  return n && m.graph.valueInfo.get(n.outputs[0]!)?.shape;
}

/** Node names with this op type, in graph order. */
export function nodesOf(m: Model, opType: string): string[] {
  return m.graph.nodes.filter((n) => n.opType === opType).map((n) => n.name);
}
