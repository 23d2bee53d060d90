import type { Model, Node } from '../../onnx/types.js';
import { check } from '../../core/errors.js';
import type { z } from 'zod';
import type { camLayerRuleSchema } from '../../run-folder/analysis.js';

/** The tensor Ablation-CAM ablates, and the rule that picked it (the report says which). */
export interface CamLayer {
  tensor: string;
  /** 'block': the last residual Add (+ its ReLU) before global pooling; 'conv': the last Conv (no residual add). */
  rule: z.infer<typeof camLayerRuleSchema>;
}

/** Global pooling ends the spatial part of a CNN: a map must be taken above it. */
const poolOps = new Set(['GlobalAveragePool', 'GlobalMaxPool']);
/** A unary activation right after the residual add belongs to the block (ResNet's `relu` after `add`). */
const blockActivations = new Set(['Relu', 'Clip', 'LeakyRelu']);

/** The name of the last Conv node's output in graph order (the paper's "last conv layer"). */
export function lastConv(model: Model): string {
  const convs = model.graph.nodes.filter((n) => n.opType === 'Conv');
  check(
    convs.length > 0,
    'bad_model',
    () => `${model.graph.name}: Ablation-CAM needs a convolution and the model has none; pass a CNN`,
  );
  return convs[convs.length - 1]!.outputs[0]!;
}

/**
 * Where the maps are taken: a block output, after BatchNorm and the residual add, as a CAM of a ResNet is read (for
 * ResNet-20 the output of layer3.2). The last Conv's raw output misses the block's BatchNorm and skip path, so a flip
 * that the skip path carries around it would not show. Found by structure, not by name, so a torchvision export works:
 * the last Add (graph order) among the global pooling's ancestors whose two inputs are both computed (not weights or
 * constants), followed by its activation when that is the Add's only reader; without one, the last Conv's output.
 */
export function camLayer(model: Model): CamLayer {
  const g = model.graph;
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const pool = g.nodes.find((n) => poolOps.has(n.opType));
  if (pool) {
    const above = new Set<Node>();
    const stack = [...pool.inputs];
    while (stack.length) {
      const n = producer.get(stack.pop()!);
      if (!n || above.has(n)) continue;
      above.add(n);
      stack.push(...n.inputs.filter(Boolean));
    }
    const computed = (t: string) => {
      const p = producer.get(t);
      return p !== undefined && p.opType !== 'Constant' && !g.initializers.has(t);
    };
    const adds = g.nodes.filter((n) => above.has(n) && n.opType === 'Add' && n.inputs.every(computed));
    const add = adds[adds.length - 1];
    if (add) {
      const out = add.outputs[0]!;
      const readers = g.nodes.filter((n) => n.inputs.includes(out));
      const act = readers.length === 1 && blockActivations.has(readers[0]!.opType) ? readers[0] : undefined;
      return { tensor: act ? act.outputs[0]! : out, rule: 'block' };
    }
  }
  return { tensor: lastConv(model), rule: 'conv' };
}
