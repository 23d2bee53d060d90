/**
 * The PyTorch training-step peer (bench/train_step_torch.py, Debian's python3-torch) in --serve mode, shared by the
 * training benchmarks: `run()` times one run of `steps` steps there, so a caller interleaves its own runs with it.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Model, TensorData } from '../src/onnx/types.js';
import { numel } from '../src/onnx/tensor.js';
import type { Rng } from '../src/core/rng.js';
import type { TrainingGraph } from '../src/autodiff/training-graph-types.js';
import { buildModel } from '../src/models/registry.js';

/** Our side of what the peer trains: the model zoo's CIFAR ResNet-20 (option A) in training mode, 3×32×32, 10 classes. */
export function peerNetwork(): Model {
  return buildModel({ backbone: 'resnet20', head: 'linear', inputShape: [3, 32, 32], numClasses: 10, mode: 'train' });
}

/** The peer's loss and optimizer: label smoothing 0.1, SGD with Nesterov momentum 0.9 and weight decay 5e-4. */
export const peerRecipe = {
  labelSmoothing: 0.1,
  optimizer: { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
} as const;

/** The training graph's carried tensors at the start: the network's parameters and buffers, optimizer state at 0. */
export function startingCarried(tg: TrainingGraph, forward: Model): Record<string, TensorData> {
  const carried: Record<string, TensorData> = {};
  for (const c of [...tg.params, ...tg.buffers]) carried[c.name] = forward.graph.initializers.get(c.name)!;
  for (const c of tg.state)
    carried[c.name] = { dtype: 'float32', dims: c.shape, data: new Float32Array(numel(c.shape)) };
  return carried;
}

/** What the peer trains on, as the training graph's feeds: n random 3×32×32 images, random labels, lr 0.1. */
export function randomBatch(tg: TrainingGraph, n: number, rng: Rng): Record<string, TensorData> {
  return {
    [tg.feeds.input]: {
      dtype: 'float32',
      dims: [n, 3, 32, 32],
      data: Float32Array.from({ length: n * 3072 }, () => rng.normal()),
    },
    [tg.feeds.labels]: {
      dtype: 'int64',
      dims: [n],
      data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(10))),
    },
    [tg.feeds.lr]: { dtype: 'float32', dims: [], data: Float32Array.of(0.1) },
  };
}

/** A running peer: its torch version, one timed run (img per wall and per CPU second), and close. */
export interface TorchTrainPeer {
  version: string;
  run(): Promise<{ wall: number; cpu: number }>;
  close(): void;
}

/** Starts the peer; `passive`: idle OpenMP threads sleep instead of spin-waiting (OMP_WAIT_POLICY=PASSIVE). */
export async function torchTrainPeer(o: {
  batch: number;
  threads: number;
  steps: number;
  passive: boolean;
}): Promise<TorchTrainPeer> {
  const args = ['bench/train_step_torch.py', '--serve'];
  args.push('--batch', `${o.batch}`, '--threads', `${o.threads}`, '--steps', `${o.steps}`);
  const env = o.passive ? { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } : process.env;
  const py = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, number | string>;
  const ready = await next();
  return {
    version: String(ready.ready),
    run: async () => {
      py.stdin.write('run\n');
      const r = await next();
      return { wall: Number(r.img_per_s), cpu: Number(r.cpu_img_per_s) };
    },
    close: () => py.stdin.end(),
  };
}
