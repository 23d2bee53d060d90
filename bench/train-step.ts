/**
 * Training-step throughput: the model zoo's CIFAR ResNet-20 (option A) training graph on ONNX Runtime against the same
 * network in PyTorch (Debian's python3-torch), same batch, same threads, timed runs interleaved so both see the same
 * machine load.
 * Medians of images per wall-clock second; with --threads 1 also per CPU second of each process, which other
 * processes on a shared machine inflate far less than wall time.
 *
 *   npx tsx bench/train-step.ts [--batch 64] [--threads 2] [--steps 10] [--runs 7] [--paths fast|plain] [--no-torch]
 *                               [--no-spin] [--dw shifts|flatShifts|rowShifts|shiftsNhwc|oneHot|batchConv]
 *                               [--plain-convs] [--replicas R] [--no-session]
 *
 * --replicas R (R > 1): the trainer's data-parallel path too, taken in turn with the one-session step and PyTorch —
 * R single-thread replicas in worker threads, each on batch/R images, gradients averaged, one update
 * (src/train/data-parallel.ts). --no-session leaves the one-session step out (with --replicas: the replicas alone, or
 * against PyTorch).
 */
import './tuned.js';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import { buildTrainingGraph } from '../src/autodiff/training-graph.js';
import type { GradPaths } from '../src/autodiff/grad-graph.js';
import type { ConvGradWForm } from '../src/autodiff/conv-grad-forms.js';
import { buildModel } from '../src/models/registry.js';
import { createDataParallelStepper, replicaInit } from '../src/train/data-parallel.js';
import { peerNetwork, peerRecipe, randomBatch, startingCarried, torchTrainPeer } from './torch-train-peer.js';

const { values: opt } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '10' },
    runs: { type: 'string', default: '7' },
    paths: { type: 'string', default: 'fast' },
    'no-torch': { type: 'boolean', default: false },
    'no-spin': { type: 'boolean', default: false },
    dw: { type: 'string' },
    'plain-convs': { type: 'boolean', default: false },
    replicas: { type: 'string', default: '1' },
    'no-session': { type: 'boolean', default: false },
  },
});
const [batch, threads, steps, runs] = [opt.batch, opt.threads, opt.steps, opt.runs].map(Number) as [
  number,
  number,
  number,
  number,
];
const paths = opt.paths as GradPaths;
const replicas = Number(opt.replicas);
const convGradW = opt.dw as ConvGradWForm | undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const loadBefore = loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  const forward = peerNetwork();
  const t0 = performance.now();
  const tg = buildTrainingGraph(forward, peerRecipe, { paths, convGradW, threads });
  const buildMs = performance.now() - t0;
  // With --replicas the one-session step runs too, taken in turn with the replicas and PyTorch.
  const session = await Session.create(tg.model, {
    threads,
    memPattern: false,
    spinning: !opt['no-spin'],
    blockedConvs: !opt['plain-convs'],
    label: 'resnet20 training step',
  });
  let carried = startingCarried(tg, forward);
  const feeds = randomBatch(tg, batch, new Rng(0));
  const names = Object.keys(carried);
  let t = 1;
  const evalModel = buildModel({ backbone: 'resnet20', head: 'linear', inputShape: [3, 32, 32], numClasses: 10 });
  const dpGraph =
    replicas > 1 ? buildTrainingGraph(forward, peerRecipe, { paths, threads: 1, gradOutputs: true }) : null;
  const dp = dpGraph
    ? await createDataParallelStepper(
        replicaInit(dpGraph, evalModel, carried, { seed: 0, spinning: !opt['no-spin'] }),
        replicas,
      )
    : null;
  const opsStep = async () => {
    const out = await session.run({
      ...feeds,
      ...carried,
      [tg.feeds.step]: { dtype: 'float32', dims: [], data: Float32Array.of(t++) },
    });
    carried = Object.fromEntries(names.map((n) => [n, out[`${n}.next`]!]));
  };
  const dpStep = async () => {
    await dp!.step({ input: feeds[tg.feeds.input]!, labels: feeds[tg.feeds.labels]!, lr: 0.1, step: t++ });
  };
  const timed = async (step: () => Promise<void>) => {
    const s = performance.now();
    const c = process.cpuUsage();
    for (let i = 0; i < steps; i++) await step();
    const cpu = process.cpuUsage(c);
    return {
      wall: (batch * steps) / ((performance.now() - s) / 1000),
      cpu: (batch * steps) / ((cpu.user + cpu.system) / 1e6),
    };
  };
  const oneSession = !(opt['no-session'] && dp);
  for (let i = 0; oneSession && i < 3; i++) await opsStep();
  for (let i = 0; dp && i < 3; i++) await dpStep();
  // --no-spin: idle worker threads sleep instead of spin-waiting, in both engines (fair on a shared machine).
  const peer = opt['no-torch'] ? null : await torchTrainPeer({ batch, threads, steps, passive: opt['no-spin'] });
  const ours: { wall: number; cpu: number }[] = [];
  const replicated: { wall: number; cpu: number }[] = [];
  const theirs: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < runs; r++) {
    if (oneSession) ours.push(await timed(opsStep));
    if (dp) replicated.push(await timed(dpStep));
    if (peer) theirs.push(await peer.run());
  }
  peer?.close();
  await session.release();
  await dp?.close();
  const fmt = (xs: number[]) => xs.map((v) => v.toFixed(0)).join(' ');
  const report = (what: string, key: 'wall' | 'cpu', mine = ours, who = `one session, ${threads} threads`) => {
    const a = mine.map((r) => r[key]);
    console.log(`tgr (${who}) ${what}: median ${median(a).toFixed(1)}  [${fmt(a)}]`);
    if (!peer) return;
    const b = theirs.map((r) => r[key]);
    console.log(`PyTorch ${peer.version} ${what}: median ${median(b).toFixed(1)}  [${fmt(b)}]`);
    console.log(
      `ratio tgr/PyTorch (${what}): ${(median(a) / median(b)).toFixed(2)}× (median of paired runs ${median(a.map((v, i) => v / b[i]!)).toFixed(2)}×)`,
    );
  };
  console.log(
    `ResNet-20 training step, batch ${batch}, ${threads} threads${replicas > 1 ? ` and ${replicas} single-thread replicas` : ''}${opt['no-spin'] ? ' (no spinning)' : ''}, ${steps} steps × ${runs} runs, gradient forms '${paths}'${opt['plain-convs'] ? ', plain Convs' : ', blocked Convs'}${convGradW ? `, Conv weight gradients all '${convGradW}'` : ''}`,
  );
  console.log(
    `graph: ${tg.model.graph.nodes.length} nodes, built in ${buildMs.toFixed(0)} ms; load average before: ${loadBefore}`,
  );
  if (oneSession) report('img/s', 'wall');
  if (dp) report('img/s', 'wall', replicated, `${replicas} single-thread replicas`);
  if (threads === 1 && oneSession) report('img per CPU-s', 'cpu');
  // CPU time of the whole process (main thread and replicas): steadier than wall time on a shared machine.
  if (dp) report('img per CPU-s', 'cpu', replicated, `${replicas} single-thread replicas`);
}

await main();
