import type { Node } from '../onnx/types.js';
import { TgrError } from '../core/errors.js';
import { intAttr, intsAttr } from './grad-rule.js';

/** The sliding-window geometry of a Conv or pooling node, with auto_pad resolved to explicit pads. */
export interface Window {
  /** Input spatial sizes, kernel, strides, dilations; pads as [begin…, end…] like ONNX. */
  in: number[];
  out: number[];
  k: number[];
  s: number[];
  d: number[];
  p: number[];
}

/** Reads a Conv/pool node's window from its attributes and the static spatial sizes of its input and output. */
export function windowOf(node: Node, inSpatial: number[], outSpatial: number[], kernel: number[]): Window {
  const sp = inSpatial.length;
  const k = intsAttr(node, 'kernel_shape', kernel);
  const s = intsAttr(node, 'strides', Array(sp).fill(1));
  const d = intsAttr(node, 'dilations', Array(sp).fill(1));
  const auto = node.attrs.auto_pad?.type === 'string' ? node.attrs.auto_pad.value : 'NOTSET';
  let p = intsAttr(node, 'pads', Array(2 * sp).fill(0));
  if (auto === 'VALID') p = Array(2 * sp).fill(0);
  else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const total = inSpatial.map((h, i) => Math.max(0, (outSpatial[i]! - 1) * s[i]! + (k[i]! - 1) * d[i]! + 1 - h));
    const begin = total.map((t) => (auto === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    p = [...begin, ...total.map((t, i) => t - begin[i]!)];
  } else if (auto !== 'NOTSET') {
    throw new TgrError(
      'missing_grad_rule',
      `node '${node.name}' (${node.opType}): auto_pad '${auto}' has no gradient rule`,
    );
  }
  return { in: inSpatial, out: outSpatial, k, s, d, p };
}

/**
 * Pads and output_padding for the transposed window that maps an output-sized tensor back onto the input: the end
 * pad grows when the last window hangs over the input (ceil_mode), output_padding covers rows no window reached.
 */
export function transposedPads(w: Window): { pads: number[]; outputPadding: number[] } {
  const sp = w.in.length;
  const reach = w.in.map((_, i) => w.s[i]! * (w.out[i]! - 1) + (w.k[i]! - 1) * w.d[i]! + 1 - w.p[i]!);
  return {
    pads: [...w.p.slice(0, sp), ...reach.map((r, i) => Math.max(0, r - w.in[i]!))],
    outputPadding: reach.map((r, i) => Math.max(0, w.in[i]! - r)),
  };
}
