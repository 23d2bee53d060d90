import type { Node } from '../onnx/types.js';
import { TgrError, invariant } from '../core/errors.js';
import type { GradGraph } from './grad-graph.js';
import { gradRuleFor, gradRules } from './rules.js';

const isFloat = (b: GradGraph, t: string) => t !== '' && b.dtype(t).startsWith('float');

/**
 * Reverse-mode differentiation over `nodes` (forward order): starting from `seeds` (tensor → its gradient), it
 * visits, in reverse, each node that lies between a `wrt` tensor and a seed, applies the op's rule, reduces each
 * gradient to its input's shape and sums gradients of tensors used more than once. Returns the gradient of every
 * `wrt` tensor that one reaches (tensors with no path to a seed are absent).
 */
export function backward(
  b: GradGraph,
  nodes: readonly Node[],
  seeds: ReadonlyMap<string, string>,
  wrt: Iterable<string>,
): Map<string, string> {
  const targets = [...wrt];
  const live = new Set(targets);
  for (const n of nodes)
    if (n.inputs.some((i) => live.has(i))) for (const o of n.outputs) if (isFloat(b, o)) live.add(o);
  const reaches = new Set(seeds.keys());
  for (const n of [...nodes].reverse())
    if (n.outputs.some((o) => reaches.has(o))) for (const i of n.inputs) reaches.add(i);

  const parts = new Map<string, string[]>();
  for (const [t, g] of seeds) parts.set(t, [g]);
  const total = (t: string): string => {
    const p = parts.get(t);
    if (!p || p.length === 0) return '';
    if (p.length > 1) parts.set(t, [p.length === 2 ? b.add(p[0]!, p[1]!) : b.node('Sum', p)[0]!]);
    return parts.get(t)![0]!;
  };

  for (const node of [...nodes].reverse()) {
    if (!node.inputs.some((i) => live.has(i) && reaches.has(i))) continue;
    const dy = node.outputs.map(total);
    if (dy.every((g) => g === '')) continue;
    const rule = gradRuleFor(node.opType);
    if (!rule) {
      throw new TgrError(
        'missing_grad_rule',
        `node '${node.name}' (op ${node.opType}) needs a gradient but ${node.opType} has no rule in src/autodiff/rules.ts; ops with rules: ${Object.keys(gradRules).join(', ')}`,
        { node: node.name, op: node.opType },
      );
    }
    const grads = b.scope(`grad.${node.name}`, () => {
      const out = rule({ b, node, x: node.inputs, y: node.outputs, dy });
      invariant(
        out.length === node.inputs.length,
        `${node.opType} rule gave ${out.length} gradients for ${node.inputs.length} inputs`,
      );
      return out.map((g, i) => {
        const x = node.inputs[i]!;
        return g && live.has(x) && reaches.has(x) ? b.sumTo(g, b.shape(x)) : null;
      });
    });
    grads.forEach((g, i) => {
      if (!g) return;
      const x = node.inputs[i]!;
      parts.set(x, [...(parts.get(x) ?? []), g]);
    });
  }
  const out = new Map<string, string>();
  for (const t of targets) if (parts.has(t)) out.set(t, total(t));
  return out;
}
