/**
 * How fast a data-parallel training step on ONNX Runtime could be at best (issue 14 must-show 1): one replica's step
 * (the ResNet-20 training graph at 1 thread on batch/2 images, Convs blocked as the trainer runs them) against the
 * same step's multiply-add nodes alone — forward and input-gradient Convs, ConvTranspose, the weight gradients'
 * MatMuls, Gemm — run as one graph fed what the step gives them. The ceiling leaves everything else free (BN, ReLU,
 * slices, layout reorders, the optimizer, feeding, the gradient average) and lets two replicas scale perfectly over
 * the two cores. Against it, PyTorch's best 2-thread step (spinning on and off, whichever is faster) on the same
 * batch, runs alternating with ours. (ORT's own profiler is no help here: it slows this 2,000-node step ~1.8×.) Not
 * used by the toolkit: it bounds what a training graph made of ORT's kernels can reach on this machine.
 */
import './tuned.js';
import { parseArgs } from 'node:util';
import { attr, type Model, type Node, type TensorData } from '../src/onnx/types.js';
import { scalar } from '../src/onnx/tensor.js';
import { Rng } from '../src/core/rng.js';
import { buildTrainingGraph } from '../src/autodiff/training-graph.js';
import { lowerConvsToBlocked } from '../src/engine/blocked-convs.js';
import { nchwcBlockSize, Session } from '../src/engine/session.js';
import { peerNetwork, peerRecipe, randomBatch, startingCarried, torchTrainPeer } from './torch-train-peer.js';

const { values: opt } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const [batch, steps, runs] = [opt.batch, opt.steps, opt.runs].map(Number) as [number, number, number];
const replicas = 2;
const per = batch / replicas;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The kernels that do the step's multiply-adds; every other op counts as free in the ceiling. */
const macOps = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'FusedMatMul', 'FusedConv', 'FusedGemm']);

const forward = peerNetwork();
const tg = buildTrainingGraph(forward, peerRecipe, { threads: 1 });
const block = await nchwcBlockSize();
const lowered = block > 1 ? lowerConvsToBlocked(tg.model, block) : tg.model;
/** The multiply-add nodes of the step: every other node is left out of the ceiling (free). */
const kept = lowered.graph.nodes.filter((n) => macOps.has(n.opType));
const count = new Map<string, number>();
for (const n of kept) count.set(n.opType, (count.get(n.opType) ?? 0) + 1);
const made = new Set(kept.flatMap((n) => n.outputs));
const fed = [...new Set(kept.flatMap((n) => n.inputs))].filter(
  (t) => t && !made.has(t) && !lowered.graph.initializers.has(t),
);
const feeds: Record<string, TensorData> = {
  ...randomBatch(tg, per, new Rng(0)),
  ...startingCarried(tg, forward),
  [tg.feeds.step]: scalar(1),
};

/** Every tensor the kept nodes read from the rest of the step, as one step computes it. */
const captured: Record<string, TensorData> = await (async () => {
  const outputs = fed.map((name) => ({ name, dtype: 'float32' as const, shape: [], rankUnknown: true }));
  const probe = { ...lowered, graph: { ...lowered.graph, outputs: [...lowered.graph.outputs, ...outputs] } };
  const s = await Session.create(probe, { threads: 1, label: 'step with its multiply-add inputs exposed' });
  const out = await s.run(feeds, fed);
  await s.release();
  return out;
})();

/**
 * The kept nodes alone, fed what the step gives them; one element of each result is read out (Reshape + Slice +
 * Concat, a few µs each) so that none is pruned and no large output is copied back.
 */
function kernelsOnly(): Model {
  const g = lowered.graph;
  const nodes: Node[] = [...kept];
  const firsts: string[] = [];
  const i64c = (name: string, v: number[]) => {
    initializers.set(name, { dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
    return name;
  };
  const initializers = new Map([...g.initializers].filter(([k]) => kept.some((n) => n.inputs.includes(k))));
  const flat = i64c('ceiling.flat', [-1]);
  const zero = i64c('ceiling.zero', [0]);
  const one = i64c('ceiling.one', [1]);
  for (const n of kept) {
    const o = n.outputs[0]!;
    nodes.push({ name: `${o}.flat`, opType: 'Reshape', inputs: [o, flat], outputs: [`${o}.flat`], attrs: {} });
    nodes.push({
      name: `${o}.first`,
      opType: 'Slice',
      inputs: [`${o}.flat`, zero, one],
      outputs: [`${o}.first`],
      attrs: {},
    });
    firsts.push(`${o}.first`);
  }
  nodes.push({ name: 'ceiling.out', opType: 'Concat', inputs: firsts, outputs: ['out'], attrs: { axis: attr.int(0) } });
  return {
    ...lowered,
    graph: {
      name: 'multiply-add kernels',
      nodes,
      inputs: fed.map((name) => ({ name, dtype: 'float32' as const, shape: [...captured[name]!.dims] })),
      outputs: [{ name: 'out', dtype: 'float32', shape: [kept.length] }],
      initializers,
      valueInfo: new Map(),
    },
  };
}

// As the trainer runs a replica's step: one thread, no spinning, memory pattern off; the lowering is done above.
const opts = { threads: 1, spinning: false, memPattern: false };
const step = await Session.create(lowered, { ...opts, label: 'replica step' });
const kernels = await Session.create(kernelsOnly(), { ...opts, label: 'multiply-add nodes' });
const kernelFeeds = Object.fromEntries(fed.map((n) => [n, captured[n]!]));
for (let i = 0; i < 3; i++) await step.run(feeds);
for (let i = 0; i < 3; i++) await kernels.run(kernelFeeds);

/** Seconds per run of a session at 1 thread. */
async function timed(s: Session, f: Record<string, TensorData>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < steps; i++) await s.run(f);
  return (performance.now() - t) / 1000 / steps;
}

const peers = [
  await torchTrainPeer({ batch, threads: 2, steps, passive: false }),
  await torchTrainPeer({ batch, threads: 2, steps, passive: true }),
];
const ours: number[] = [];
const macs: number[] = [];
const theirs: number[][] = [[], []];
for (let r = 0; r < runs; r++) {
  ours.push(await timed(step, feeds));
  macs.push(await timed(kernels, kernelFeeds));
  for (const [k, p] of peers.entries()) theirs[k]!.push((await p.run()).wall);
}
for (const p of peers) p.close();
await step.release();
await kernels.release();

const ms = (s: number) => (1000 * s).toFixed(1);
const best = Math.max(median(theirs[0]!), median(theirs[1]!));
console.log(
  `ResNet-20 training, batch ${batch} as ${replicas} replicas × ${per} images at 1 thread each (Convs blocked, block ${block}), ${steps} steps × ${runs} runs, alternating`,
);
console.log(
  `one replica step ${ms(median(ours))} ms (runs ${ours.map(ms).join(', ')}); its ${kept.length} multiply-add nodes alone (${[...count].map(([op, n]) => `${n} ${op}`).join(', ')}) ${ms(median(macs))} ms (runs ${macs.map(ms).join(', ')})`,
);
console.log(
  `PyTorch ${peers[0]!.version} at 2 threads: spinning ${median(theirs[0]!).toFixed(0)} img/s (runs ${theirs[0]!.map((x) => x.toFixed(0)).join(', ')}), passive ${median(theirs[1]!).toFixed(0)} img/s (runs ${theirs[1]!.map((x) => x.toFixed(0)).join(', ')}); best ${best.toFixed(0)}`,
);
const actual = batch / median(ours);
const ceiling = batch / median(macs);
console.log(
  `two replicas at this step's speed, scaling perfectly: ${actual.toFixed(0)} img/s = ${(actual / best).toFixed(2)}× PyTorch's best; with only the multiply-add nodes left: ${ceiling.toFixed(0)} img/s = ${(ceiling / best).toFixed(2)}× (must-show 1 asks ≥ 1.5×)`,
);
