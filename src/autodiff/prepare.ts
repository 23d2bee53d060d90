import type { DType, Graph, Model, Node, TensorData } from '../onnx/types.js';
import { attr } from '../onnx/types.js';
import { i64 } from '../onnx/tensor.js';
import { axesAsInput } from '../onnx/opsets.js';
import { inferShapes } from '../onnx/infer.js';
import { TgrError, invariant } from '../core/errors.js';
import { GradGraph, type BatchStats, type GradOptions } from './grad-graph.js';
import { floatAttr, intAttr } from './grad-rule.js';

/** Ops whose backward reads an output the forward may have omitted: MaxPool's Indices, Dropout's mask. */
const neededOutputs: Record<string, number> = { MaxPool: 2, Dropout: 2 };

/**
 * The forward graph as the backward pass needs it: Constant nodes as initializers (rules read constant operands),
 * MaxPool/Dropout with their second output, every shape inferred. Returns a new graph.
 */
export function prepareForward(model: Model): Graph {
  if (model.opset < 13) {
    throw new TgrError(
      'bad_model',
      `${model.graph.name}: opset ${model.opset} is too old to train; expected ≥ 13 — re-export the model`,
    );
  }
  const initializers = new Map(model.graph.initializers);
  const nodes: Node[] = [];
  for (const n of model.graph.nodes) {
    if (n.opType === 'Constant' && n.attrs.value?.type === 'tensor') {
      initializers.set(n.outputs[0]!, n.attrs.value.value);
      continue;
    }
    const want = neededOutputs[n.opType] ?? 0;
    nodes.push(
      n.outputs.length >= want
        ? n
        : {
            ...n,
            outputs: [
              ...n.outputs,
              ...Array.from({ length: want - n.outputs.length }, (_, i) => `${n.name}.out${n.outputs.length + i}`),
            ],
          },
    );
  }
  return inferShapes({ ...model.graph, nodes, initializers }, model.opset, true);
}

const floatArrays = { float32: Float32Array, float64: Float64Array } as const;

/**
 * Training-mode BatchNormalization written out: batch mean, centred x (`xc`), biased variance, then an inference-mode
 * BatchNormalization fed with those statistics (the same y), and the running statistics as ORT updates them
 * (r·momentum + batch·(1 − momentum), biased variance). The backward rule then reuses xc and the variance instead of
 * recomputing them (`GradGraph.batchStats`), which makes a BN's forward and backward faster (figures:
 * docs/ARCHITECTURE.md, "Gradient forms, measured"). Output tensor names are kept.
 */
function decomposeTrainingBatchNorms(g: Graph, opset: number): { graph: Graph; stats: Map<string, BatchStats> } {
  const initializers = new Map(g.initializers);
  const stats = new Map<string, BatchStats>();
  const dtypeOf = (t: string): DType =>
    g.valueInfo.get(t)?.dtype ?? g.inputs.find((v) => v.name === t)?.dtype ?? initializers.get(t)!.dtype;
  const rankOf = (t: string) => (g.valueInfo.get(t) ?? g.inputs.find((v) => v.name === t))!.shape.length;
  const constant = (name: string, t: TensorData) => (initializers.set(name, t), name);
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    if (n.opType !== 'BatchNormalization' || intAttr(n, 'training_mode', 0) !== 1) {
      nodes.push(n);
      continue;
    }
    const [x, scale, bias, runMean, runVar] = n.inputs as [string, string, string, string, string];
    const dtype = dtypeOf(x);
    invariant(dtype === 'float32' || dtype === 'float64', `BatchNormalization '${n.name}' on ${dtype}`);
    const axes = [0, ...Array.from({ length: rankOf(x) - 2 }, (_, i) => i + 2)];
    const p = `${n.name}.batch`;
    const scalar = (name: string, v: number) =>
      constant(`${p}.${name}`, { dtype, dims: [], data: floatArrays[dtype].of(v) } as TensorData);
    const mean = (input: string, out: string): Node =>
      axesAsInput('ReduceMean', opset)
        ? {
            name: out,
            opType: 'ReduceMean',
            inputs: [input, constant(`${p}.axes`, i64([axes.length], axes))],
            outputs: [out],
            attrs: { keepdims: attr.int(1) },
          }
        : {
            name: out,
            opType: 'ReduceMean',
            inputs: [input],
            outputs: [out],
            attrs: { axes: attr.ints(axes), keepdims: attr.int(1) },
          };
    const flat = constant(`${p}.flat`, i64([1], [-1]));
    nodes.push(
      mean(x, `${p}_mean`),
      { name: `${p}_xc`, opType: 'Sub', inputs: [x, `${p}_mean`], outputs: [`${p}_xc`], attrs: {} },
      { name: `${p}_sq`, opType: 'Mul', inputs: [`${p}_xc`, `${p}_xc`], outputs: [`${p}_sq`], attrs: {} },
      mean(`${p}_sq`, `${p}_var`),
      { name: `${p}_mean1`, opType: 'Reshape', inputs: [`${p}_mean`, flat], outputs: [`${p}_mean1`], attrs: {} },
      { name: `${p}_var1`, opType: 'Reshape', inputs: [`${p}_var`, flat], outputs: [`${p}_var1`], attrs: {} },
      {
        name: n.name,
        opType: 'BatchNormalization',
        inputs: [x, scale, bias, `${p}_mean1`, `${p}_var1`],
        outputs: [n.outputs[0]!],
        attrs: { epsilon: attr.float(floatAttr(n, 'epsilon', 1e-5)) },
      },
    );
    const momentum = floatAttr(n, 'momentum', 0.9);
    [
      [runMean, `${p}_mean1`, n.outputs[1]],
      [runVar, `${p}_var1`, n.outputs[2]],
    ].forEach(([running, batch, out], i) => {
      if (!out) return;
      const q = `${p}.update${i}`;
      nodes.push(
        {
          name: `${q}_old`,
          opType: 'Mul',
          inputs: [running!, scalar('momentum', momentum)],
          outputs: [`${q}_old`],
          attrs: {},
        },
        {
          name: `${q}_new`,
          opType: 'Mul',
          inputs: [batch!, scalar('rest', 1 - momentum)],
          outputs: [`${q}_new`],
          attrs: {},
        },
        { name: `${q}_sum`, opType: 'Add', inputs: [`${q}_old`, `${q}_new`], outputs: [out], attrs: {} },
      );
    });
    stats.set(n.name, { xc: `${p}_xc`, variance: `${p}_var` });
  }
  return { graph: { ...g, nodes, initializers }, stats };
}

/**
 * A GradGraph holding the prepared forward graph (training-mode BatchNormalization written out), ready for backward().
 */
export function gradGraphFor(model: Model, opts: GradOptions = {}): { b: GradGraph; forward: Graph } {
  const prepared = prepareForward(model);
  const { graph, stats } = decomposeTrainingBatchNorms(prepared, model.opset);
  const forward = inferShapes(graph, model.opset, true);
  const b = new GradGraph(forward.name, { ...opts, opset: model.opset });
  b.extend(forward);
  for (const [k, v] of stats) b.batchStats.set(k, v);
  return { b, forward };
}
