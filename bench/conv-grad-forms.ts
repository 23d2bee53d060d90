/**
 * Which Conv gradient forms are fastest on ONNX Runtime CPU, per ResNet-20 conv shape (batch 64): every weight- and
 * input-gradient form of src/autodiff/conv-grad.ts, against the forward Conv of the same shape.
 * Forms are timed interleaved; min and median wall time of the runs are printed (min is the least disturbed by other
 * load), and with --threads 1 also the min CPU time, which other processes on the machine cannot inflate.
 *
 *   npx tsx bench/conv-grad-forms.ts [--runs 15] [--threads 2] [--batch 64]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Node, TensorData } from '../src/onnx/types.js';
import { attr } from '../src/onnx/types.js';
import { numel } from '../src/onnx/tensor.js';
import { Session } from '../src/engine/session.js';
import { GradGraph } from '../src/autodiff/grad-graph.js';
import { type ConvCase, convCase, convGradW, convGradWForms, convGradX, convGradXForms, flippedConvApplies } from '../src/autodiff/conv-grad.js';

const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '15' }, threads: { type: 'string', default: '2' }, batch: { type: 'string', default: '64' } } });
const [runs, threads, N] = [opt.runs, opt.threads, opt.batch].map(Number) as [number, number, number];

interface Shape { label: string; ci: number; co: number; hw: number; stride: number }
const shapes: Shape[] = [
  { label: '16→16 @32', ci: 16, co: 16, hw: 32, stride: 1 },
  { label: '16→32 @32 /2', ci: 16, co: 32, hw: 32, stride: 2 },
  { label: '32→32 @16', ci: 32, co: 32, hw: 16, stride: 1 },
  { label: '32→64 @16 /2', ci: 32, co: 64, hw: 16, stride: 2 },
  { label: '64→64 @8', ci: 64, co: 64, hw: 8, stride: 1 },
];

type Form = (b: GradGraph, s: Shape, x: string, w: string, dy: string, node: Node) => string;

const forms: Record<string, { applies?: (c: ConvCase) => boolean; form: Form }> = {
  'forward Conv': { form: (b, s, x, w) => b.conv(x, w, undefined, { strides: [s.stride, s.stride], pads: [1, 1, 1, 1] }) },
  ...Object.fromEntries(Object.keys(convGradWForms).map((k) => [`dW ${k}`, {
    form: (b: GradGraph, _s: Shape, x: string, w: string, dy: string, node: Node) => convGradW(convCase(b, node, x, w, dy), k as keyof typeof convGradWForms),
  }])),
  ...Object.fromEntries(Object.keys(convGradXForms).map((k) => [`dX ${k}`, {
    applies: k === 'flippedConv' ? flippedConvApplies : undefined,
    form: (b: GradGraph, _s: Shape, x: string, w: string, dy: string, node: Node) => convGradX(convCase(b, node, x, w, dy), k as keyof typeof convGradXForms),
  }])),
};

const rand = (dims: number[]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from({ length: numel(dims) }, (_, i) => Math.sin(i * 0.37)) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  console.log(`Conv gradient forms, batch ${N}, ${threads} threads, ${runs} interleaved runs; ms per op (min / median)`);
  for (const s of shapes) {
    const ho = s.hw / s.stride;
    const feeds = { x: rand([N, s.ci, s.hw, s.hw]), w: rand([s.co, s.ci, 3, 3]), dy: rand([N, s.co, ho, ho]) };
    const node: Node = { name: 'conv', opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { strides: attr.ints([s.stride, s.stride]), pads: attr.ints([1, 1, 1, 1]) } };
    const sessions: [string, Session][] = [];
    for (const [name, f] of Object.entries(forms)) {
      const b = new GradGraph(name);
      const x = b.input('x', 'float32', ['N', s.ci, s.hw, s.hw]);
      const w = b.input('w', 'float32', [s.co, s.ci, 3, 3]);
      const dy = b.input('dy', 'float32', ['N', s.co, ho, ho]);
      if (f.applies && !f.applies(convCase(b, node, x, w, dy))) continue;
      // A small output (the mean) keeps the copy of a large result out of the timing.
      b.output(b.reduceMean(f.form(b, s, x, w, dy, node), [0, 1, 2, 3], 0), 'out');
      const session = await Session.create(b.finishModel(), { threads, memPattern: false });
      await session.run(feeds);
      sessions.push([name, session]);
    }
    const times = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
    const cpu = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
    for (let r = 0; r < runs; r++) {
      for (const [name, session] of sessions) {
        const c = process.cpuUsage();
        const t = performance.now();
        await session.run(feeds);
        times.get(name)!.push(performance.now() - t);
        const d = process.cpuUsage(c);
        cpu.get(name)!.push((d.user + d.system) / 1000);
      }
    }
    console.log(`\n${s.label}`);
    for (const [name, ts] of times) {
      const cpuMin = threads === 1 ? `   cpu ${Math.min(...cpu.get(name)!).toFixed(2).padStart(7)}` : '';
      console.log(`  ${name.padEnd(32)} ${Math.min(...ts).toFixed(2).padStart(7)} / ${median(ts).toFixed(2).padStart(7)}${cpuMin}`);
    }
    for (const [, session] of sessions) await session.release();
  }
}

await main();
