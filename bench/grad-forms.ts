/**
 * Which gradient forms are fastest on ONNX Runtime CPU, at ResNet-20's shapes (batch 64): every Conv weight- and
 * input-gradient form of src/autodiff/conv-grad.ts against the forward Conv of the same shape; the fast and plain
 * forms of the strided-Slice gradient (option-A shortcuts); and the reductions BatchNormalization's backward can use.
 * Sessions run as the trainer's do (Convs with fed weights lowered to ORT's blocked kernels, no spinning).
 * Forms of a group are timed interleaved; min and median wall time are printed (min is the least disturbed by other
 * load), and with --threads 1 also the min CPU time, which other processes on the machine inflate far less.
 *
 *   npx tsx bench/grad-forms.ts [--runs 15] [--threads 2] [--batch 64]
 */
import './tuned.js';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Node, TensorData } from '../src/onnx/types.js';
import { attr } from '../src/onnx/types.js';
import { numel } from '../src/onnx/tensor.js';
import { Session } from '../src/engine/session.js';
import { GradGraph, type GradPaths } from '../src/autodiff/grad-graph.js';
import {
  convCase,
  convGradW,
  convGradWApplies,
  convGradWForms,
  convGradX,
  convGradXForms,
  flippedConvApplies,
} from '../src/autodiff/conv-grad.js';
import { sliceGrad } from '../src/autodiff/shape-grad.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    threads: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
  },
});
const [runs, threads, N] = [opt.runs, opt.threads, opt.batch].map(Number) as [number, number, number];

/** A form builds its output from the group's inputs; undefined when it does not apply to the case. */
type Form = (b: GradGraph, t: Record<string, string>) => string | undefined;
interface Group {
  label: string;
  inputs: Record<string, (number | 'N')[]>;
  forms: Record<string, { paths?: GradPaths; form: Form }>;
}

function convGroup(label: string, ci: number, co: number, hw: number, stride: number): Group {
  const ho = hw / stride;
  const node: Node = {
    name: 'conv',
    opType: 'Conv',
    inputs: ['x', 'w'],
    outputs: ['y'],
    attrs: { strides: attr.ints([stride, stride]), pads: attr.ints([1, 1, 1, 1]) },
  };
  const cc = (b: GradGraph, t: Record<string, string>) => convCase(b, node, t.x!, t.w!, t.dy!);
  return {
    label,
    inputs: { x: ['N', ci, hw, hw], w: [co, ci, 3, 3], dy: ['N', co, ho, ho] },
    forms: {
      'forward Conv': {
        form: (b, t) => b.conv(t.x!, t.w!, undefined, { strides: [stride, stride], pads: [1, 1, 1, 1] }),
      },
      ...Object.fromEntries(
        (Object.keys(convGradWForms) as (keyof typeof convGradWForms)[]).map((k) => [
          `dW ${k}`,
          {
            form: (b: GradGraph, t: Record<string, string>) =>
              convGradWApplies(cc(b, t), k) ? convGradW(cc(b, t), k) : undefined,
          },
        ]),
      ),
      ...Object.fromEntries(
        (Object.keys(convGradXForms) as (keyof typeof convGradXForms)[]).map((k) => [
          `dX ${k}`,
          {
            form: (b: GradGraph, t: Record<string, string>) =>
              k === 'flippedConv' && !flippedConvApplies(cc(b, t)) ? undefined : convGradX(cc(b, t), k),
          },
        ]),
      ),
    },
  };
}

/** The option-A shortcut x[:, :, ::2, ::2]: its gradient spread back by the fast (ConvTranspose) or plain (Pad) form. */
const shortcutGroup: Group = {
  label: 'shortcut Slice /2 gradient, 16@32',
  inputs: { x: ['N', 16, 32, 32], dy: ['N', 16, 16, 16] },
  forms: Object.fromEntries(
    (['fast', 'plain'] as const).map((paths) => [
      `dSlice ${paths}`,
      {
        paths,
        form: (b: GradGraph, t: Record<string, string>) => {
          const inputs = [t.x!, b.ints([0, 0]), b.ints([32, 32]), b.ints([2, 3]), b.ints([2, 2])];
          return sliceGrad(b, { name: 'slice', opType: 'Slice', inputs, outputs: ['y'], attrs: {} }, inputs, t.dy!);
        },
      },
    ]),
  ),
};

/** Per-channel sums over [N, H, W], as BatchNormalization's backward needs them. */
const reduceGroup: Group = {
  label: 'per-channel reductions over [N, H, W], 64×16×32×32',
  inputs: { x: ['N', 16, 32, 32] },
  forms: {
    ReduceMean: { form: (b, t) => b.reduceMean(t.x!, [0, 2, 3], 1) },
    ReduceSum: { form: (b, t) => b.reduceSum(t.x!, [0, 2, 3], 1) },
    ReduceSumSquare: { form: (b, t) => b.reduceSumSquare(t.x!, [0, 2, 3]) },
    'ReduceMean(x·x)': { form: (b, t) => b.reduceMean(b.mul(t.x!, t.x!), [0, 2, 3], 1) },
  },
};

const groups = [
  convGroup('Conv 3→16 @32 (stem)', 3, 16, 32, 1),
  convGroup('Conv 16→16 @32', 16, 16, 32, 1),
  convGroup('Conv 16→32 @32 /2', 16, 32, 32, 2),
  convGroup('Conv 32→32 @16', 32, 32, 16, 1),
  convGroup('Conv 32→64 @16 /2', 32, 64, 16, 2),
  convGroup('Conv 64→64 @8', 64, 64, 8, 1),
  shortcutGroup,
  reduceGroup,
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeGroup(g: Group): Promise<void> {
  const dims = (s: (number | 'N')[]) => s.map((d) => (d === 'N' ? N : d));
  const feeds: Record<string, TensorData> = Object.fromEntries(
    Object.entries(g.inputs).map(([k, s]) => [
      k,
      {
        dtype: 'float32',
        dims: dims(s),
        data: Float32Array.from({ length: numel(dims(s)) }, (_, i) => Math.sin(i * 0.37)),
      } as TensorData,
    ]),
  );
  const sessions: [string, Session][] = [];
  for (const [name, f] of Object.entries(g.forms)) {
    const b = new GradGraph(name, { paths: f.paths });
    const t = Object.fromEntries(Object.entries(g.inputs).map(([k, s]) => [k, b.input(k, 'float32', s)]));
    const out = f.form(b, t);
    if (!out) continue;
    // A small output (the mean) keeps the copy of a large result out of the timing.
    b.output(b.reduceMean(out, [...b.shape(out).keys()], 0), 'out');
    const session = await Session.create(b.finishModel(), {
      threads,
      memPattern: false,
      spinning: false,
      blockedConvs: true,
    });
    await session.run(feeds);
    sessions.push([name, session]);
  }
  const wall = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
  const cpu = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, session] of sessions) {
      const c = process.cpuUsage();
      const t = performance.now();
      await session.run(feeds);
      wall.get(name)!.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpu.get(name)!.push((d.user + d.system) / 1000);
    }
  }
  console.log(`\n${g.label}`);
  for (const [name, ts] of wall) {
    const cpuMin =
      threads === 1
        ? `   cpu ${Math.min(...cpu.get(name)!)
            .toFixed(2)
            .padStart(7)}`
        : '';
    console.log(
      `  ${name.padEnd(24)} ${Math.min(...ts)
        .toFixed(2)
        .padStart(7)} / ${median(ts).toFixed(2).padStart(7)}${cpuMin}`,
    );
  }
  for (const [, session] of sessions) await session.release();
}

console.log(`Gradient forms, batch ${N}, ${threads} threads, ${runs} interleaved runs; ms per op (min / median)`);
for (const g of groups) await timeGroup(g);
