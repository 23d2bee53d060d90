/**
 * Whether Winograd's F(2×2, 3×3) convolution, built from ONNX ops, beats ORT's direct blocked Conv on ResNet-20's
 * stride-1 shapes (issue 14 must-show 1). Winograd does 2.25× fewer multiply-adds than the direct form, so it is the
 * one way a training step could beat the bound of direct arithmetic at ORT's GEMM rate; ORT's CPU kernels have no
 * Winograd Conv, so it would have to be a graph: a 4×4 stride-2 grouped Conv for the input transform (BᵀdB per tile),
 * 16 GEMMs (one per tile position, weights pre-transformed: GgGᵀ, fed, as a training step's are) and a grouped 1×1
 * Conv for the output transform (AᵀmA), with the reorders between them. Weights are fed to both forms and their
 * transform is not timed, which favours Winograd. Prints ms (min of interleaved runs) and direct ÷ Winograd, the 16 GEMMs
 * alone on inputs already transformed (the floor of any such graph), and checks the two forms agree.
 *
 *   npx tsx bench/winograd-conv.ts [--runs 15] [--threads 2] [--batch 64]
 */
import './tuned.js';
import { parseArgs } from 'node:util';
import { GraphBuilder } from '../src/onnx/builder.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import type { TensorData } from '../src/onnx/types.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    threads: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
  },
});
const [runs, threads, N] = [opt.runs, opt.threads, opt.batch].map(Number) as [number, number, number];
const rng = new Rng(0);
const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());
const f32 = (dims: number[], data: Float32Array): TensorData => ({ dtype: 'float32', dims, data });

const BT = [
  [1, 0, -1, 0],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, 1, 0, -1],
];
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
];
const AT = [
  [1, 1, 1, 0],
  [0, 1, -1, -1],
];

/** Direct 3×3 Conv, stride 1, pad 1, weights fed (lowered to the blocked kernels as in a training graph). */
function direct(C: number, H: number) {
  const b = new GraphBuilder('direct');
  const x = b.input('x', 'float32', [N, C, H, H]);
  const w = b.input('w', 'float32', [C, C, 3, 3]);
  b.output(b.conv(x, w, undefined, { pads: [1, 1, 1, 1] }), 'y');
  return b.finishModel();
}

/** The same Conv as F(2×2, 3×3) Winograd in ONNX ops; `u` = GgGᵀ per tile position, [16, C, C]. */
function winograd(C: number, H: number) {
  const T = H / 2;
  const b = new GraphBuilder('winograd');
  const x = b.input('x', 'float32', [N, C, H, H]);
  const u = b.input('u', 'float32', [16, C, C]);
  const inK = new Float32Array(16 * C * 16);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        for (let a = 0; a < 4; a++)
          for (let e = 0; e < 4; e++) inK[(c * 16 + i * 4 + j) * 16 + a * 4 + e] = BT[i]![a]! * BT[j]![e]!;
  const outK = new Float32Array(4 * C * 16);
  for (let c = 0; c < C; c++)
    for (let p = 0; p < 2; p++)
      for (let q = 0; q < 2; q++)
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 4; j++) outK[(c * 4 + p * 2 + q) * 16 + i * 4 + j] = AT[p]![i]! * AT[q]![j]!;
  const v = b.conv(b.pad(x, [0, 0, 1, 1, 0, 0, 1, 1]), b.initializer('bt', f32([16 * C, 1, 4, 4], inK)), undefined, {
    strides: [2, 2],
    group: C,
  });
  const v16 = b.reshape(b.transpose(b.reshape(v, [N, C, 16, T * T]), [2, 1, 0, 3]), [16, C, N * T * T]);
  const m = b.matMul(u, v16);
  const m4 = b.reshape(b.transpose(b.reshape(m, [16, C, N, T * T]), [2, 1, 0, 3]), [N, C * 16, T, T]);
  const y4 = b.conv(m4, b.initializer('at', f32([4 * C, 16, 1, 1], outK)), undefined, { group: C });
  const y = b.reshape(b.transpose(b.reshape(y4, [N, C, 2, 2, T, T]), [0, 1, 4, 2, 5, 3]), [N, C, H, H]);
  b.output(y, 'y');
  return b.finishModel();
}

/** Winograd's 16 GEMMs alone, on inputs already transformed: the floor of any Winograd graph. */
function gemmsAlone(C: number, H: number) {
  const b = new GraphBuilder('winograd gemms');
  const u = b.input('u', 'float32', [16, C, C]);
  const v = b.input('v', 'float32', [16, C, (N * H * H) / 4]);
  b.output(b.matMul(u, v), 'y');
  return b.finishModel();
}

/** GgGᵀ for every (out, in) channel pair, laid out [16, C_out, C_in]. */
function transformWeights(w: Float32Array, C: number): Float32Array {
  const u = new Float32Array(16 * C * C);
  for (let o = 0; o < C; o++)
    for (let c = 0; c < C; c++) {
      const g = (r: number, s: number) => w[((o * C + c) * 3 + r) * 3 + s]!;
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let r = 0; r < 3; r++) for (let t = 0; t < 3; t++) s += G[i]![r]! * g(r, t) * G[j]![t]!;
          u[(i * 4 + j) * C * C + o * C + c] = s;
        }
    }
  return u;
}

const shapes = [
  { C: 16, H: 32 },
  { C: 32, H: 16 },
  { C: 64, H: 8 },
];
console.log(`Conv C→C 3×3 stride 1, batch ${N}, ${threads} threads, min of ${runs} interleaved runs`);
console.log(
  '| shape | direct (blocked), ms | Winograd F(2×2,3×3) in ONNX ops, ms | its 16 GEMMs alone, ms | direct ÷ Winograd | direct ÷ GEMMs alone | max |Δ| |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const { C, H } of shapes) {
  const w = rand(C * C * 9, 0.1);
  const x = f32([N, C, H, H], rand(N * C * H * H));
  const feeds: Record<string, TensorData>[] = [
    { x, w: f32([C, C, 3, 3], w) },
    { x, u: f32([16, C, C], transformWeights(w, C)) },
    { u: f32([16, C, C], transformWeights(w, C)), v: f32([16, C, (N * H * H) / 4], rand((16 * C * N * H * H) / 4)) },
  ];
  const sessions = [
    await Session.create(direct(C, H), { threads, spinning: false, blockedConvs: true, label: 'direct' }),
    await Session.create(winograd(C, H), { threads, spinning: false, label: 'winograd' }),
    await Session.create(gemmsAlone(C, H), { threads, spinning: false, label: 'winograd gemms' }),
  ];
  const outs = await Promise.all(sessions.slice(0, 2).map((s, i) => s.run(feeds[i]!)));
  const [a, b] = outs.map((o) => o.y!.data as Float32Array) as [Float32Array, Float32Array];
  let maxDiff = 0;
  for (let k = 0; k < a.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
  const times: number[][] = [[], [], []];
  for (let r = 0; r < runs; r++)
    for (const [i, s] of sessions.entries()) {
      const t = performance.now();
      await s.run(feeds[i]!);
      times[i]!.push(performance.now() - t);
    }
  for (const s of sessions) await s.release();
  const [d, wg, gm] = times.map((t) => Math.min(...t)) as [number, number, number];
  console.log(
    `| ${C}→${C} @${H} | ${d.toFixed(2)} | ${wg.toFixed(2)} | ${gm.toFixed(2)} | ${(d / wg).toFixed(2)} | ${(d / gm).toFixed(2)} | ${maxDiff.toExponential(1)} |`,
  );
}
