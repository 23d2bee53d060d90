import type { Node } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';

/** What a gradient rule sees of one forward node. */
export interface GradCtx {
  /** The training graph being built; rules emit their nodes through it. */
  b: GradGraph;
  node: Node;
  /** The node's inputs ('' for an omitted optional input). */
  x: string[];
  /** The node's outputs. */
  y: string[];
  /** The gradient of each output ('' when none flows to it, e.g. BN running statistics, MaxPool indices). */
  dy: string[];
}

/**
 * One ONNX op's gradient: one tensor (or null: not differentiable) per node input, in input order. A returned
 * gradient may have the node output's broadcast shape; the walker sums it down to the input's shape.
 */
export type GradRule = (c: GradCtx) => (string | null)[];

/** An int attribute of a node, or its ONNX default. */
export function intAttr(n: Node, name: string, d: number): number {
  const a = n.attrs[name];
  return a?.type === 'int' ? a.value : d;
}

/** A float attribute of a node, or its ONNX default. */
export function floatAttr(n: Node, name: string, d: number): number {
  const a = n.attrs[name];
  return a?.type === 'float' ? a.value : d;
}

/** An ints attribute of a node, or its ONNX default. */
export function intsAttr(n: Node, name: string, d: number[]): number[] {
  const a = n.attrs[name];
  return a?.type === 'ints' ? a.value : d;
}
