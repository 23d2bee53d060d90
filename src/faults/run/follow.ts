import type { Graph, Node } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';
import { broadcastIndexer, constValue } from '../model/const-eval.js';

/**
 * Masked-fault skip. A fault changes one element of a layer output; when the ops right after the layer are
 * elementwise (eval BatchNormalization, Add with a tensor computed before the layer or a constant, Relu, Clip), the
 * changed element can be followed on its own: every other element of those ops' outputs is untouched. If the change
 * dies on the way (a ReLU maps golden and faulty values both to 0; rounding absorbs it), nothing downstream changes
 * and the faulty scores are the golden ones — the suffix need not run. Each op is computed in fp32 the way ONNX
 * Runtime's CPU kernels compute it (BN as x·s + b with s = γ/√(σ²+ε), b = β − μ·s).
 */
export type FollowStep =
  | { op: 'affine'; scale: Float32Array; shift: Float32Array; channel: (i: number) => number }
  | { op: 'addConst'; value: Float32Array; at: (i: number) => number }
  | { op: 'addTensor'; tensor: string }
  | { op: 'clip'; min: number; max: number };

/** The elementwise steps after `tensor`, up to and including the first Relu/Clip; empty when none can be followed. */
export function followSteps(
  g: Graph,
  tensor: string,
  shape: readonly number[],
  cached: ReadonlySet<string>,
): FollowStep[] {
  const consumers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const t of n.inputs) if (t) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const steps: FollowStep[] = [];
  let t = tensor;
  for (;;) {
    const users = consumers.get(t) ?? [];
    if (users.length !== 1 || outputs.has(t)) return steps;
    const n = users[0]!;
    const step = stepOf(g, n, t, shape, cached);
    if (step === undefined) return steps;
    if (step !== 'identity') steps.push(step);
    if (step !== 'identity' && step.op === 'clip') return steps;
    t = n.outputs[0]!;
  }
}

function stepOf(
  g: Graph,
  n: Node,
  t: string,
  shape: readonly number[],
  cached: ReadonlySet<string>,
): FollowStep | 'identity' | undefined {
  const sameShape = (name: string) => {
    const v = g.valueInfo.get(name);
    return v !== undefined && v.shape.length === shape.length + 1 && v.shape.slice(1).every((d, k) => d === shape[k]);
  };
  if (n.outputs.filter(Boolean).length !== 1 || !sameShape(n.outputs[0]!)) return undefined;
  switch (n.opType) {
    case 'Identity':
      return 'identity';
    case 'Relu':
      return { op: 'clip', min: 0, max: Infinity };
    case 'Clip': {
      const bound = (k: number, attr: string, dflt: number) => {
        const name = n.inputs[k];
        if (name) return constValue(g, name)?.data[0];
        const a = n.attrs[attr];
        return a?.type === 'float' ? a.value : dflt;
      };
      const min = bound(1, 'min', -Infinity);
      const max = bound(2, 'max', Infinity);
      return min === undefined || max === undefined ? undefined : { op: 'clip', min, max };
    }
    case 'BatchNormalization': {
      if (n.inputs[0] !== t || (n.attrs.training_mode?.type === 'int' && n.attrs.training_mode.value === 1))
        return undefined;
      const [gamma, beta, mean, variance] = n.inputs.slice(1).map((x) => constValue(g, x));
      if (!gamma || !beta || !mean || !variance) return undefined;
      const eps = n.attrs.epsilon?.type === 'float' ? n.attrs.epsilon.value : 1e-5;
      const C = shape[0]!;
      const spatial = numel(shape.slice(1));
      const scale = new Float32Array(C);
      const shift = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        const inv = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(variance.data[c]! + Math.fround(eps)))));
        scale[c] = Math.fround(inv * gamma.data[c]!);
        shift[c] = Math.fround(beta.data[c]! - Math.fround(mean.data[c]! * scale[c]!));
      }
      return { op: 'affine', scale, shift, channel: (i) => Math.floor(i / spatial) % C };
    }
    case 'Add': {
      if (n.inputs.length !== 2 || n.inputs[0] === n.inputs[1]) return undefined;
      const other = n.inputs[0] === t ? n.inputs[1]! : n.inputs[0]!;
      const c = constValue(g, other);
      if (c) {
        const at = broadcastIndexer(c, shape);
        return at && { op: 'addConst', value: c.data, at };
      }
      // The other operand must come from before the layer (so the fault cannot reach it) and be cached golden.
      return cached.has(other) && sameShape(other) ? { op: 'addTensor', tensor: other } : undefined;
    }
    default:
      return undefined;
  }
}

/** Golden values of the operands an 'addTensor' step reads, for one image: tensor name → that image's row. */
export type RowLookup = (tensor: string) => Float32Array;

/**
 * True when the change of element `i` from `golden` to `faulty` provably dies within the steps. A NaN on the way is
 * never called dead: how a kernel orders NaN in max/min is not something to guess.
 */
export function changeDies(
  steps: readonly FollowStep[],
  i: number,
  golden: number,
  faulty: number,
  row: RowLookup,
): boolean {
  let g = golden;
  let f = faulty;
  if (f === g) return true;
  for (const s of steps) {
    switch (s.op) {
      case 'affine': {
        const c = s.channel(i);
        g = Math.fround(Math.fround(g * s.scale[c]!) + s.shift[c]!);
        f = Math.fround(Math.fround(f * s.scale[c]!) + s.shift[c]!);
        break;
      }
      case 'addConst': {
        const v = s.value[s.at(i)]!;
        g = Math.fround(g + v);
        f = Math.fround(f + v);
        break;
      }
      case 'addTensor': {
        const v = row(s.tensor)[i]!;
        g = Math.fround(g + v);
        f = Math.fround(f + v);
        break;
      }
      case 'clip':
        g = Math.min(Math.max(g, s.min), s.max);
        f = Math.min(Math.max(f, s.min), s.max);
        break;
    }
    if (Number.isNaN(f)) return false;
    if (f === g) return true;
  }
  return false;
}
