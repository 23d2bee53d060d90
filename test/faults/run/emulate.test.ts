import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { attr, type Graph, type Model } from '../../../src/onnx/types.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { numberFormat, numberFormats, type FormatContext } from '../../../src/faults/formats/registry.js';
import { bitsToF32 } from '../../../src/faults/formats/fp32.js';
import { withFormatEmulation, withWeightsIn } from '../../../src/faults/run/emulate.js';
import { outputChannelAxis } from '../../../src/faults/run/channel-axis.js';
import { oneLayer } from './emulate-graphs.js';
import { Rng } from '../../../src/core/rng.js';

const n = 50000;

/** x → a = x·w1 (a "layer") → Abs → b = ·3 (a layer): elementwise, so each fp32 op is one IEEE rounding in JS too. */
function twoLayers(opset: number, w1 = Math.fround(1.37)): Model {
  const c = (v: number) => f32([], [v]);
  const graph: Graph = {
    name: 'two-layers',
    nodes: [
      { name: 'l1', opType: 'Mul', inputs: ['x', 'w1'], outputs: ['a'], attrs: {} },
      { name: 'abs', opType: 'Abs', inputs: ['a'], outputs: ['r'], attrs: {} },
      { name: 'l2', opType: 'Mul', inputs: ['r', 'w2'], outputs: ['b'], attrs: {} },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [n] }],
    outputs: [
      { name: 'a', dtype: 'float32', shape: [n] },
      { name: 'b', dtype: 'float32', shape: [n] },
    ],
    initializers: new Map([
      ['w1', c(w1)],
      ['w2', c(3)],
    ]),
    valueInfo: new Map(),
  };
  return { graph, opset, extraOpsets: {}, irVersion: 9, producer: 'test', metadata: {} };
}

/** Normal-ish values over 2^-30..2^30, exact halfway cases of the grids, and raw patterns (NaN, ±Inf, subnormals). */
function randomInput(seed: number): Float32Array {
  const rng = new Rng(seed);
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) xs[i] = bitsToF32(rng.nextU32());
    else if (kind === 1) xs[i] = (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 60 - 30);
    else if (kind === 2)
      xs[i] = (Math.floor(rng.next() * 64) - 32 + 0.5) / 16; // ties of q:3.4, int:4 at scale 1
    else xs[i] = (rng.next() - 0.5) * 16;
  }
  return xs;
}

/**
 * Per format: the value of every 16th pattern, the midpoint (a tie) and quarter points between neighbouring patterns,
 * and values past the largest finite one, mixed into random input; fed with w1 = 1 so layer a sees them as they are.
 */
function edgeInput(spec: string, ctx: FormatContext): Float32Array {
  const format = numberFormat(spec);
  const xs = randomInput(17);
  const rng = new Rng(18);
  let max = 0;
  for (let p = 0; p < 2 ** Math.min(format.bits, 16); p++) {
    const v = format.decode(p, ctx);
    if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  }
  for (let i = 0; i < n; i += 2) {
    const p = rng.nextU32() % 2 ** Math.min(format.bits, 16);
    const lo = format.decode(p, ctx);
    const hi = format.decode(p + 1, ctx);
    const t = [0, 0.5, 0.25, 0.75][(i / 2) % 4]!;
    const kind = (i / 2) % 9;
    xs[i] = kind === 8 ? max * (1 + rng.next() / 8) : lo + (hi - lo) * t;
  }
  return xs;
}

const specs = ['fp16', 'bf16', 'fp8-e4m3', 'fp8-e5m2', 'int8', 'int:4', 'int:12', 'q:3.4'];
const composed = ['fp8-e4m3-nosat', 'fp8-e5m2-nosat', 'fp:e5m10', 'fp:e4m3:ftz', 'fp:e3m2', 'fp:e8m7', 'fp:e2m1:ftz'];

for (const [spec, edges] of [...specs, ...composed].flatMap((s) => [[s, false] as const, [s, true] as const])) {
  const what = edges ? 'on ties, subnormals and overflow' : 'on random values';
  test(`${spec} emulated in the graph equals the JS codec bit for bit ${what}, and layer 2 consumes layer 1's value`, async () => {
    const format = numberFormat(spec);
    const ctx = { a: format.contextFor(7), b: format.contextFor(20) };
    const w1 = edges ? 1 : Math.fround(1.37);
    const model = twoLayers(17, w1);
    const layers = new Map([
      ['a', ctx.a],
      ['b', ctx.b],
    ]);
    const session = await Session.create({ ...model, graph: withFormatEmulation(model.graph, layers, format) });
    const xs = edges ? edgeInput(spec, ctx.a) : randomInput(16);
    const out = await session.run({ x: f32([n], xs) });
    await session.release();
    const a = out.a!.data as Float32Array;
    const b = out.b!.data as Float32Array;
    const q = (v: number, c: typeof ctx.a) => format.decode(format.encode(v, c), c);
    for (let i = 0; i < n; i++) {
      const ja = q(Math.fround(xs[i]! * w1), ctx.a);
      const jb = q(Math.fround(Math.abs(ja) * 3), ctx.b);
      // NaN payloads are not compared: a JS number does not keep one.
      assert.ok(Object.is(a[i], ja) || (Number.isNaN(a[i]) && Number.isNaN(ja)), `${spec} a[${i}] x=${xs[i]}`);
      assert.ok(
        Object.is(b[i], jb) || (Number.isNaN(b[i]) && Number.isNaN(jb)),
        `${spec} b[${i}] x=${xs[i]} ort ${b[i]} js ${jb}`,
      );
    }
  });
}

test('fp32 leaves the graph as it was; every registered format and family builds its grid in the graph', () => {
  const g = oneLayer([2, 4], 17).graph;
  assert.equal(withFormatEmulation(g, new Map([['a', {}]]), numberFormat('fp32')), g);
  const specs = [
    ...Object.keys(numberFormats),
    'fp:e5m10',
    'fp:e4m3:ftz',
    'int:4',
    'int:8:channel',
    'q:3.4',
    'bfp:4:m3',
  ];
  const ops = specs.map((spec) => {
    const format = numberFormat(spec);
    const ctx = { ...format.contextFor(3), scales: [1, 2, 3, 4] };
    const nodes = withFormatEmulation(g, new Map([['a', ctx]]), format).nodes;
    return `${spec}: ${nodes.length - 1} ${nodes.at(-1)!.outputs[0]}`;
  });
  // Every format but fp32 adds its nodes after the layer, the last writing the layer's own tensor name.
  assert.deepEqual(
    ops.filter((o) => !/^\S+: [1-9]\d* a$/.test(o)),
    ['fp32: 0 a'],
  );
});

test('int:8:channel and int:4:channel emulated in the graph equal the JS codec at each channel’s scale, ties included', async () => {
  const dims = [6, 5, 3, 4];
  const inner = 12;
  const scales = [0.5, 1 / 127, 3, 2 ** -10, 0.1];
  for (const spec of ['int:8:channel', 'int:4:channel']) {
    const format = numberFormat(spec);
    const model = oneLayer(dims, 17);
    const graph = withFormatEmulation(model.graph, new Map([['a', { scale: 1, scales }]]), format, 17);
    const session = await Session.create({ ...model, graph });
    const rng = new Rng(5);
    const xs = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => {
      const s = scales[Math.floor(i / inner) % 5]!;
      const k = Math.floor(rng.next() * 300) - 150;
      return i % 3 === 0 ? (k + 0.5) * s : i % 3 === 1 ? k * s * (1 + rng.next()) : bitsToF32(rng.nextU32());
    });
    const out = (await session.run({ x: f32(dims, xs) })).a!.data as Float32Array;
    await session.release();
    xs.forEach((x, i) => {
      const ctx = { scale: scales[Math.floor(i / inner) % 5]! };
      const want = format.decode(format.encode(x, ctx), ctx);
      assert.ok(Object.is(out[i], want), `${spec} [${i}] x=${x}: graph ${out[i]}, JS ${want}`);
    });
  }
  assert.throws(
    () =>
      withFormatEmulation(
        oneLayer(dims, 17).graph,
        new Map([['a', { scale: 1, scales: [1, 2] }]]),
        numberFormat('int:8:channel'),
      ),
    /^TgrError: per-channel emulation of a needs one scale per channel of its output \[6,5,3,4\]; got 2 scales/,
  );
});

test('--emulate-weights holds each named weight in the format with its own max |w| as context; others are untouched', () => {
  const w = f32([4], [0.3, -1.27, 0.001, 0.6]);
  const other = f32([2], [0.1, 0.2]);
  const inits = new Map([
    ['w', w],
    ['b', other],
  ]);
  const int8 = numberFormat('int8');
  const out = withWeightsIn(inits, ['w'], int8);
  // scale ≈ 1.27 / 127 = 0.01: 0.3 → 30, −1.27 → −127, 0.001 → 0, 0.6 → 60 steps.
  const s = Math.fround(1.27) / 127; // max |w| is the stored fp32 1.27
  assert.deepEqual([...(out.get('w')!.data as Float32Array)], [30 * s, -127 * s, 0, 60 * s].map(Math.fround));
  assert.equal(out.get('b'), other);
  assert.deepEqual(
    [...(withWeightsIn(inits, ['w'], numberFormat('fp8-e4m3')).get('w')!.data as Float32Array)],
    [0.3125, -1.25, 2 ** -9, 0.625], // 0.001 is 0.512 of the least subnormal 2^-9: it rounds up to it
  );
  assert.throws(() => withWeightsIn(inits, ['nope'], int8), /^TgrError: weight nope is not an fp32 initializer/);
  // BFP: blocks along axis 1 of a [2, 3] weight, as bfpQuantize holds a tensor.
  const bw = f32([2, 3], [3, 0.3, -0.1, 0.02, 0.5, -1]);
  const bfp = numberFormat('bfp:2:m3');
  assert.deepEqual(
    [...(withWeightsIn(new Map([['w', bw]]), ['w'], bfp).get('w')!.data as Float32Array)],
    // Blocks (3, 0.3): E = 1, step 2^(E−M+1) = ½; −0.1 alone: E = −4, step 1/64, 6.4 steps → 6; (0.02, 0.5): E = −1,
    // step ⅛; −1 alone: E = 0, step ¼.
    [3, 0.5, -6 / 64, 0, 0.5, -1],
  );
});

test('int:K:channel weights: one scale per output channel (the axis given), listed in scales; the axis of Conv, Gemm, MatMul', () => {
  const w = f32([2, 3], [0.7, -0.1, 0.35, 2, 1, -0.5]);
  const out = withWeightsIn(new Map([['w', w]]), ['w'], numberFormat('int:4:channel'), new Map([['w', 0]]));
  const [s0, s1] = [Math.fround(0.7) / 7, 2 / 7];
  assert.deepEqual(out.scales.get('w'), [s0, s1]);
  // Row 0: 7, −1, 3.5 → 4 (half to even) steps of 0.1; row 1: 7, 3.5 → 4, −1.75 → −2 steps of 2/7.
  assert.deepEqual(
    [...(out.get('w')!.data as Float32Array)],
    [7 * s0, -s0, 4 * s0, 7 * s1, 4 * s1, -2 * s1].map(Math.fround),
  );
  const along1 = withWeightsIn(new Map([['w', w]]), ['w'], numberFormat('int:4:channel'), new Map([['w', 1]]));
  assert.deepEqual(
    along1.scales.get('w'),
    [2, 1, 0.5].map((m) => m / 7),
  );
  const node = (opType: string, inputs: string[], attrs = {}) => ({
    name: opType,
    opType,
    inputs,
    outputs: ['y'],
    attrs,
  });
  const g = (n: ReturnType<typeof node>, dims: number[]) =>
    ({
      nodes: [n],
      initializers: new Map([['w', f32(dims, new Array(dims.reduce((a, b) => a * b)).fill(1))]]),
    }) as never;
  assert.equal(outputChannelAxis(g(node('Conv', ['x', 'w']), [4, 3, 1, 1]), 'w'), 0);
  assert.equal(outputChannelAxis(g(node('Gemm', ['x', 'w'], { transB: attr.int(1) }), [4, 3]), 'w'), 0);
  assert.equal(outputChannelAxis(g(node('Gemm', ['x', 'w']), [3, 4]), 'w'), 1);
  assert.equal(outputChannelAxis(g(node('MatMul', ['x', 'w']), [2, 3, 4]), 'w'), 2);
});
