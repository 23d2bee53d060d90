import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../src/engine/session.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { bfpFamily, bfpQuantize } from '../../../src/faults/formats/bfp.js';
import { bitsToF32 } from '../../../src/faults/formats/fp32.js';
import { withFormatEmulation } from '../../../src/faults/run/emulate.js';
import { Rng } from '../../../src/core/rng.js';
import { oneLayer } from './emulate-graphs.js';

/**
 * Values of every kind along the channel axis: mostly in one binade E0 (so most blocks share E0 and a value
 * (k + ½)·2^(E0−M+1) is an exact tie of its block), else a random binade; a value that rounds past 2^M − 1 steps
 * when it is its block's max, ±0, fp32 subnormals, and rarely a raw fp32 pattern (NaN, ±Inf, huge values).
 */
function blockInput(size: number, m: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const xs = new Float32Array(size);
  const e0 = seed * 7 - 10;
  for (let i = 0; i < size; i++) {
    const e = rng.next() < 0.8 ? e0 : Math.floor(rng.next() * 40) - 20;
    const sign = rng.next() < 0.5 ? -1 : 1;
    const kind = Math.floor(rng.next() * 8);
    if (kind === 0) xs[i] = rng.next() < 0.2 ? bitsToF32(rng.nextU32()) : sign * (k2(rng, m) + 0.5) * 2 ** (e - m + 1);
    else if (kind === 1) xs[i] = sign * (k2(rng, m) + 0.5) * 2 ** (e - m + 1);
    else if (kind === 2) xs[i] = sign * 0;
    else if (kind === 3) xs[i] = sign * rng.next() * 2 ** -130;
    else if (kind === 4)
      xs[i] = sign * (2 - 2 ** -20) * 2 ** e; // rounds up past 2^M − 1 steps when it is the max
    else xs[i] = sign * (1 + rng.next()) * 2 ** e;
  }
  return xs;
}

/** A whole number of steps below 2^M. */
const k2 = (rng: Rng, m: number) => Math.floor(rng.next() * 2 ** m);

const cases: [spec: string, dims: number[], opset: number][] = [
  ['bfp8', [3, 10, 4, 5], 17], // 10 channels: blocks of 8 and a short one (padding)
  ['bfp:4:m3', [2, 12, 3, 3], 18], // ReduceMax with axes as an input
  ['bfp:3:m5', [40, 7], 17], // a Gemm output: rank 2
  ['bfp:16:m4', [2, 16, 1, 9], 13],
];

for (const [spec, dims, opset] of cases) {
  test(`${spec} emulated in the graph on [${dims}] (opset ${opset}) equals bfpQuantize bit for bit`, async () => {
    const format = numberFormat(spec) as ReturnType<typeof bfpFamily>;
    const model = oneLayer(dims, opset);
    const graph = withFormatEmulation(model.graph, new Map([['a', {}]]), format, opset);
    const session = await Session.create({ ...model, graph });
    const size = dims.reduce((a, b) => a * b, 1);
    for (const seed of [1, 2, 3]) {
      const xs = blockInput(size, format.mantissa, seed);
      const out = (await session.run({ x: f32(dims, xs) })).a!.data as Float32Array;
      const want = bfpQuantize(format, xs, dims);
      for (let i = 0; i < size; i++) {
        assert.ok(Object.is(out[i], want[i]), `${spec} [${i}] x=${xs[i]}: graph ${out[i]}, JS ${want[i]}`);
      }
    }
    await session.release();
  });
}

test('bfp emulation of a layer whose channel count is unknown is refused in one line', () => {
  const model = oneLayer([2, 'C', 3], 17);
  assert.throws(
    () => withFormatEmulation(model.graph, new Map([['a', {}]]), numberFormat('bfp8'), 17),
    /^TgrError: bfp:8:m7 emulates layer output a in blocks along axis 1, but its shape is \[2,C,3\]; it needs a known channel count/,
  );
});
