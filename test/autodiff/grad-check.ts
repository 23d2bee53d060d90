/**
 * The one finite-difference checker every gradient test goes through. A case builds a small forward graph whose
 * float feeds are the tensors to differentiate; the checker draws random values, asks `gradientModel` for the
 * vector-Jacobian product with random output weights w (L = Σ w·y, summed in float64 in JS), and compares every
 * element of every gradient with the central difference (L(x+h) − L(x−h)) / 2h.
 */
import assert from 'node:assert/strict';
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { numel } from '../../src/onnx/tensor.js';
import { Session } from '../../src/engine/session.js';
import { Rng } from '../../src/core/rng.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';
import type { GradPaths } from '../../src/autodiff/grad-graph.js';

export type FloatType = 'float32' | 'float64';

/** A feed: its dims and, optionally, how to draw its values (default: standard normal). */
export interface Feed {
  dims: number[];
  gen?: (rng: Rng, i: number) => number;
  /** int64 feeds (indices) take fixed values and are not differentiated. */
  int?: number[];
}

export interface OpCase {
  label: string;
  dtype: FloatType;
  feeds: Record<string, Feed>;
  build: (b: GraphBuilder, x: Record<string, string>) => string | string[];
  /** Finite-difference step and tolerance (|a − n| ≤ tol·(1 + |n|)); defaults depend on dtype. */
  h?: number;
  tol?: number;
  /** Ops drawing random numbers per run (Dropout, seeded) need a fresh session per evaluation. */
  freshSessions?: boolean;
}

/** A float tensor of the given type from numbers. */
function floats(dtype: FloatType, dims: number[], values: number[]): TensorData {
  return dtype === 'float32'
    ? { dtype, dims, data: Float32Array.from(values) }
    : { dtype, dims, data: Float64Array.from(values) };
}

/** Builds a case's forward model (every feed a graph input). */
export function caseModel(c: OpCase): Model {
  const b = new GraphBuilder(c.label);
  const x: Record<string, string> = {};
  for (const [k, f] of Object.entries(c.feeds)) x[k] = b.input(k, f.int ? 'int64' : c.dtype, f.dims);
  const outs = c.build(b, x);
  (Array.isArray(outs) ? outs : [outs]).forEach((o, i) => b.output(o, `y${i}`));
  return b.finishModel();
}

/** Random feeds for a case, from a seeded stream. */
export function caseFeeds(c: OpCase, rng: Rng): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const [k, f] of Object.entries(c.feeds)) {
    feeds[k] = f.int
      ? { dtype: 'int64', dims: f.dims, data: BigInt64Array.from(f.int.map(BigInt)) }
      : floats(
          c.dtype,
          f.dims,
          Array.from({ length: numel(f.dims) }, (_, i) => (f.gen ? f.gen(rng, i) : rng.normal())),
        );
  }
  return feeds;
}

/** Checks a case's gradients against central differences; returns the largest error seen (for reporting). */
export async function checkGradients(c: OpCase, paths: GradPaths = 'fast', seed = 1): Promise<number> {
  const rng = new Rng(`${c.label}/${seed}`);
  const forward = caseModel(c);
  const feeds = caseFeeds(c, rng);
  const wrt = Object.keys(c.feeds).filter((k) => !c.feeds[k]!.int);
  const grad = gradientModel(forward, wrt, { paths });
  const outs = forward.graph.outputs;
  const weights = outs.map((o) => {
    const dims = o.shape as number[];
    return floats(
      c.dtype,
      dims,
      Array.from({ length: numel(dims) }, () => rng.normal()),
    );
  });
  const seeds = Object.fromEntries(outs.map((o, i) => [`${o.name}.grad`, weights[i]!]));
  const gs = await Session.create(grad, { threads: 1 });
  const analytic = await gs.run({ ...feeds, ...seeds });
  await gs.release();

  let fs = await Session.create(forward, { threads: 1 });
  const loss = async (f: Record<string, TensorData>): Promise<number> => {
    if (c.freshSessions) fs = await Session.create(forward, { threads: 1 });
    const y = await fs.run(f);
    let s = 0;
    outs.forEach((o, i) => {
      const yv = y[o.name]!.data as Float64Array;
      const wv = weights[i]!.data as Float64Array;
      for (let j = 0; j < yv.length; j++) s += yv[j]! * wv[j]!;
    });
    return s;
  };
  const h = c.h ?? (c.dtype === 'float64' ? 1e-6 : 1e-2);
  const tol = c.tol ?? (c.dtype === 'float64' ? 1e-6 : 3e-3);
  let worst = 0;
  for (const k of wrt) {
    const a = analytic[`${k}.grad`]!.data as Float64Array;
    const base = feeds[k]!.data as Float64Array;
    for (let i = 0; i < base.length; i++) {
      const plus = base.slice();
      const minus = base.slice();
      plus[i] = base[i]! + h;
      minus[i] = base[i]! - h;
      const diff =
        (await loss({ ...feeds, [k]: { ...feeds[k]!, data: plus } })) -
        (await loss({ ...feeds, [k]: { ...feeds[k]!, data: minus } }));
      const n = diff / (plus[i]! - minus[i]!);
      const err = Math.abs(a[i]! - n) / (1 + Math.abs(n));
      worst = Math.max(worst, err);
      assert.ok(err <= tol, `${c.label} (${paths}): ∂L/∂${k}[${i}] = ${a[i]} but finite differences give ${n}`);
    }
  }
  await fs.release();
  return worst;
}
