/**
 * What a Conv costs per multiply-add on a fault's receptive-field crop against the whole map (issue 14
 * must-show 6): ResNet-20's stage-1 chain (Conv 16→16 3×3 + BatchNormalization + ReLU, constant weights, so ORT
 * fuses and blocks it as in the runner's suffix graphs) at batch 128, on the 32×32 map (padded) and on crops of
 * S×S (unpadded, output (S−2)×(S−2)), one crop per fault as the batch. Prints ms per run and the time per
 * multiply-add relative to the whole map: a crop saves multiply-adds only as far as it keeps this near 1.
 *
 *   npx tsx bench/crop-convs.ts [--runs 15] [--threads 2] [--convs 5]
 */
import './tuned.js';
import { parseArgs } from 'node:util';
import { GraphBuilder } from '../src/onnx/builder.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    threads: { type: 'string', default: '2' },
    convs: { type: 'string', default: '5' },
  },
});
const [runs, threads, convs] = [opt.runs, opt.threads, opt.convs].map(Number) as [number, number, number];
const batch = 128;
const C = 16;
const rng = new Rng(0);
const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());

/** `convs` Conv+BN+ReLU layers on S×S inputs, padded (the whole map) or not (a crop that shrinks by 2 per Conv). */
function chain(size: number, padded: boolean) {
  const b = new GraphBuilder('crop');
  let x = b.input('x', 'float32', [batch, C, size, size]);
  for (let i = 0; i < convs; i++) {
    const w = b.initializer(`w${i}`, { dtype: 'float32', dims: [C, C, 3, 3], data: rand(C * C * 9, 0.1) });
    const y = b.conv(x, w, undefined, { pads: padded ? [1, 1, 1, 1] : [0, 0, 0, 0] });
    const p = (name: string, v: Float32Array) => b.initializer(`${name}${i}`, { dtype: 'float32', dims: [C], data: v });
    const bn = b.node('BatchNormalization', [
      y,
      p(
        'g',
        rand(C, 0.1).map((v) => 1 + v),
      ),
      p('b', rand(C, 0.1)),
      p('m', rand(C, 0.1)),
      p(
        'v',
        rand(C, 0.1).map((v) => 1 + Math.abs(v)),
      ),
    ])[0]!;
    x = b.node('Relu', [bn])[0]!;
  }
  b.output(x, 'y');
  return b.finishModel();
}

/** Multiply-adds of the chain for an S×S input. */
const macs = (size: number, padded: boolean) => {
  let m = 0;
  for (let i = 0; i < convs; i++) {
    const out = padded ? size : size - 2 * (i + 1);
    m += batch * out * out * C * C * 9;
  }
  return m;
};

const shapes: { size: number; padded: boolean }[] = [
  { size: 32, padded: true },
  ...[3, 5, 7, 9, 11, 13, 15, 21].filter((s) => s - 2 * convs >= 1).map((size) => ({ size, padded: false })),
];
const sessions = await Promise.all(
  shapes.map((s) => Session.create(chain(s.size, s.padded), { threads, spinning: false, label: `crop ${s.size}` })),
);
const inputs = shapes.map((s) => ({
  dtype: 'float32' as const,
  dims: [batch, C, s.size, s.size],
  data: rand(batch * C * s.size * s.size),
}));
for (const [i, s] of sessions.entries()) for (let k = 0; k < 3; k++) await s.run({ x: inputs[i]! });
const times: number[][] = shapes.map(() => []);
for (let r = 0; r < runs; r++)
  for (const [i, s] of sessions.entries()) {
    const t = performance.now();
    await s.run({ x: inputs[i]! });
    times[i]!.push(performance.now() - t);
  }
for (const s of sessions) await s.release();
const min = (xs: number[]) => Math.min(...xs);
const perMac = shapes.map((s, i) => min(times[i]!) / macs(s.size, s.padded));
console.log(
  `${convs} × (Conv ${C}→${C} 3×3 + BN + ReLU), batch ${batch}, ${threads} threads, min of ${runs} interleaved runs`,
);
console.log('| input | output | ms | time per multiply-add ÷ whole map |');
console.log('| --- | --- | --- | --- |');
shapes.forEach((s, i) => {
  const out = s.padded ? s.size : s.size - 2 * convs;
  console.log(
    `| ${s.size}×${s.size}${s.padded ? ' (whole map, padded)' : ''} | ${out}×${out} | ${min(times[i]!).toFixed(2)} | ${(perMac[i]! / perMac[0]!).toFixed(2)} |`,
  );
});
