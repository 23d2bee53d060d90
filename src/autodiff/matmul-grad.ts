import type { Node } from '../onnx/types.js';
import type { GradGraph } from './grad-graph.js';
import { floatAttr, intAttr } from './grad-rule.js';

/**
 * Gemm Y = α·A′·B′ + β·C (A′ = transA ? Aᵀ : A, likewise B′): each of dA, dB is one Gemm whose transpose flags are
 * chosen so no Transpose node is needed; dC = β·dY, summed to C's shape by the walker.
 */
export function gemmGrad(b: GradGraph, node: Node, [a, bm, c]: string[], dy: string): (string | null)[] {
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  const tA = intAttr(node, 'transA', 0);
  const tB = intAttr(node, 'transB', 0);
  const dA = tA
    ? b.gemm(bm!, dy, undefined, { alpha, transA: tB, transB: 1 })
    : b.gemm(dy, bm!, undefined, { alpha, transB: 1 - tB });
  const dB = tB
    ? b.gemm(dy, a!, undefined, { alpha, transA: 1, transB: tA })
    : b.gemm(a!, dy, undefined, { alpha, transA: 1 - tA });
  const dC = beta === 1 ? dy : b.mul(dy, b.scalar(beta, dy));
  return c === undefined ? [dA, dB] : [dA, dB, dC];
}

/**
 * MatMul with numpy semantics: dA = dY·Bᵀ, dB = Aᵀ·dY, batched; 1-D operands are lifted to matrices and the lifted
 * axis squeezed off again. Broadcast batch axes are summed by the walker.
 */
export function matMulGrad(b: GradGraph, [a, bm]: string[], dy: string): string[] {
  const aVec = b.shape(a!).length === 1;
  const bVec = b.shape(bm!).length === 1;
  const A = aVec ? b.unsqueeze(a!, [0]) : a!;
  const B = bVec ? b.unsqueeze(bm!, [1]) : bm!;
  let g = aVec ? b.unsqueeze(dy, [-2 + (bVec ? 1 : 0)]) : dy;
  if (bVec) g = b.unsqueeze(g, [-1]);
  const dA = b.matMul(g, b.transposeLast(B));
  const dB = b.matMul(b.transposeLast(A), g);
  return [aVec ? b.squeeze(dA, [-2]) : dA, bVec ? b.squeeze(dB, [-1]) : dB];
}
