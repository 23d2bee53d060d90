import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { attr, type Graph, type Model } from '../../../src/onnx/types.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { bitsToF32 } from '../../../src/faults/formats/fp32.js';
import { canEmulate, withFormatEmulation, withWeightsIn } from '../../../src/faults/run/emulate.js';
import { Rng } from '../../../src/core/rng.js';

const n = 50000;
const w1 = Math.fround(1.37);

/** x → a = x·w1 (a "layer") → Abs → b = ·3 (a layer): elementwise, so each fp32 op is one IEEE rounding in JS too. */
function twoLayers(opset: number): Model {
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

const specs = ['fp16', 'bf16', 'fp8-e4m3', 'fp8-e5m2', 'int8', 'int:4', 'int:12', 'q:3.4'];

for (const spec of specs) {
  test(`${spec} emulated in the graph equals the JS codec bit for bit, and layer 2 consumes layer 1's format value`, async () => {
    const format = numberFormat(spec);
    const ctx = { a: format.contextFor(7), b: format.contextFor(20) };
    const model = twoLayers(spec.startsWith('fp8') ? 19 : 17);
    const layers = new Map([
      ['a', ctx.a],
      ['b', ctx.b],
    ]);
    const session = await Session.create({ ...model, graph: withFormatEmulation(model.graph, layers, format) });
    const xs = randomInput(16);
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

test('fp32 leaves the graph as it was; formats without an exact ONNX form are refused in one line', () => {
  const g = twoLayers(17).graph;
  assert.equal(withFormatEmulation(g, new Map([['a', {}]]), numberFormat('fp32')), g);
  assert.deepEqual(
    ['fp32', 'bf16', 'int:4', 'q:1.2', 'bfp8', 'fp:e5m10', 'fp8-e4m3-nosat'].map((s) => canEmulate(numberFormat(s))),
    [true, true, true, true, false, false, false],
  );
  assert.throws(
    () => withFormatEmulation(g, new Map([['a', { exponent: 0 }]]), numberFormat('bfp8')),
    /^TgrError: number format bfp:8:m7 cannot be emulated in the graph yet; emulated: fp32, fp16, bf16, fp8-e4m3, /,
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
});
