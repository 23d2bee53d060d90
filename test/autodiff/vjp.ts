/** Runs a small forward graph's vector-Jacobian product in ORT, for tests that check gradients against hand values. */
import { GraphBuilder } from '../../src/onnx/builder.js';
import type { TensorData } from '../../src/onnx/types.js';
import { Session } from '../../src/engine/session.js';
import { gradientModel } from '../../src/autodiff/gradient-graph.js';

/**
 * Builds the forward graph (`build` declares inputs and returns its outputs, named y0, y1, …), feeds `feeds` and the
 * output gradients `seeds` (by output name), and returns the gradient of every tensor in `wrt` as numbers.
 */
export async function vjp(
  build: (b: GraphBuilder) => string | string[],
  feeds: Record<string, TensorData>,
  seeds: Record<string, TensorData>,
  wrt: string[],
): Promise<Record<string, number[]>> {
  const b = new GraphBuilder('vjp');
  const outs = build(b);
  (Array.isArray(outs) ? outs : [outs]).forEach((o, i) => b.output(o, `y${i}`));
  const s = await Session.create(gradientModel(b.finishModel(), wrt));
  const grad: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(seeds)) grad[`${k}.grad`] = v;
  const out = await s.run({ ...feeds, ...grad });
  await s.release();
  return Object.fromEntries(wrt.map((t) => [t, Array.from(out[`${t}.grad`]!.data as ArrayLike<number>)]));
}

/** Asserts two number lists agree elementwise within `tol` (float32 kernels round). */
export function assertClose(got: number[], want: number[], tol = 1e-6, what = 'value'): void {
  if (got.length !== want.length || got.some((g, i) => !(Math.abs(g - want[i]!) <= tol)))
    throw new Error(`${what}: got [${got}], want [${want}] (±${tol})`);
}
