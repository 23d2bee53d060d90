/**
 * Data-parallel training steps: R single-thread replicas (replica-core.ts), each in a worker thread of its own, run
 * the gradient graph on equal shares of the batch; this thread averages their gradients (the full batch's gradient,
 * since the loss is a mean over equal shares) and every replica applies the same average with the update graph's
 * nodes, at the start of its next gradient run.
 * BatchNormalization normalises each share by its own statistics ("ghost batch norm" with R ghost batches), and the
 * running statistics take the average of the replicas' updates: the running mean is the full batch's, the running
 * variance the mean of the shares' variances (docs/ARCHITECTURE.md, "Training").
 */
import { TgrError, invariant } from '../core/errors.js';
import type { Model, TensorData } from '../onnx/types.js';
import { encodeModel } from '../onnx/proto-io.js';
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import { fuseUpdateIntoGrad, splitTrainingGraph } from '../autodiff/training-split.js';
import type { StepFeeds, StepResult, Stepper } from './step-core.js';
import { ReplicaCore, type ApplyFeeds, type ReplicaInit, type ShardFeeds, type ShardResult } from './replica-core.js';
import { spawnStepWorker, WorkerStepper, type StepperMode } from './stepper.js';
import { transferables } from './step-protocol.js';

/** What the trainer asks of one replica, inline or in a worker. */
interface Replica {
  beginEpoch(e: number): Promise<void>;
  grad(f: ShardFeeds): Promise<ShardResult>;
  apply(a: ApplyFeeds): Promise<void>;
  evalBatch(input: TensorData): Promise<Float32Array>;
  carried(): Promise<Record<string, TensorData>>;
  close(): Promise<void>;
}

/** A replica in a worker thread: ReplicaCore's methods as calls to it. */
class WorkerReplica implements Replica {
  constructor(private readonly w: WorkerStepper) {}
  beginEpoch(e: number): Promise<void> {
    return this.w.call({ method: 'beginEpoch', arg: e });
  }
  grad(f: ShardFeeds): Promise<ShardResult> {
    return this.w.call({ method: 'grad', arg: f }, transferables(f));
  }
  apply(a: ApplyFeeds): Promise<void> {
    return this.w.call({ method: 'apply', arg: a });
  }
  evalBatch(input: TensorData): Promise<Float32Array> {
    return this.w.call({ method: 'evalBatch', arg: input }, transferables(input));
  }
  carried(): Promise<Record<string, TensorData>> {
    return this.w.call({ method: 'carried' });
  }
  close(): Promise<void> {
    return this.w.close();
  }
}

/** Rows [from, to) of a batch tensor, in a buffer of its own (so sending it moves exactly its bytes). */
function rows<T extends TensorData>(t: T, from: number, to: number): T {
  const per = t.data.length / t.dims[0]!;
  return { ...t, dims: [to - from, ...t.dims.slice(1)], data: t.data.slice(from * per, to * per) };
}

/** Element-wise mean of the replicas' tensors, summed in replica order (so every run adds the same way). */
function average(parts: Record<string, TensorData>[]): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  const k = 1 / parts.length;
  for (const name of Object.keys(parts[0]!)) {
    const first = parts[0]![name]!;
    // float64 graphs (gradient checks) keep their precision.
    const sum = new (first.data.constructor as Float32ArrayConstructor)(first.data.length);
    for (const p of parts) {
      const d = p[name]!.data as Float32Array;
      for (let i = 0; i < d.length; i++) sum[i] += d[i]!;
    }
    for (let i = 0; i < sum.length; i++) sum[i]! *= k;
    out[name] = { dtype: first.dtype, dims: [...first.dims], data: sum };
  }
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The Stepper over R replicas (see the module comment). */
class DataParallelStepper implements Stepper {
  /** The last step's hand-over of the averaged gradients to the replicas (they apply them in the next step's run). */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly replicas: Replica[]) {}

  async beginEpoch(e: number): Promise<void> {
    await this.pending;
    await Promise.all(this.replicas.map((r) => r.beginEpoch(e)));
  }

  async step(f: StepFeeds): Promise<StepResult> {
    const n = f.input.dims[0]!;
    const R = this.replicas.length;
    invariant(n % R === 0, `data-parallel step: batch ${n} does not split into ${R} equal shares`);
    const per = n / R;
    // A replica takes its calls in order, so the shares go out without waiting for the hand-over's answer.
    const [, shards] = await Promise.all([
      this.pending,
      Promise.all(
        this.replicas.map((r, i) =>
          r.grad({ input: rows(f.input, i * per, (i + 1) * per), labels: rows(f.labels, i * per, (i + 1) * per) }),
        ),
      ),
    ]);
    const apply: ApplyFeeds = {
      grads: average(shards.map((s) => s.grads)),
      buffers: average(shards.map((s) => s.buffers)),
      lr: f.lr,
      step: f.step,
    };
    this.pending = Promise.all(this.replicas.map((r) => r.apply(apply)));
    return {
      loss: shards.reduce((s, r) => s + r.loss, 0) / R,
      logits: concat(shards.map((s) => s.logits)),
    };
  }

  async evalBatch(input: TensorData): Promise<Float32Array> {
    await this.pending;
    // Evaluation is per image, so any split is exact; shares differ by at most one row.
    const n = input.dims[0]!;
    const R = Math.min(this.replicas.length, n);
    const bounds = Array.from({ length: R + 1 }, (_, i) => Math.round((i * n) / R));
    const parts = await Promise.all(
      bounds.slice(0, R).map((from, i) => this.replicas[i]!.evalBatch(rows(input, from, bounds[i + 1]!))),
    );
    return concat(parts);
  }

  async carried(): Promise<Record<string, TensorData>> {
    await this.pending;
    return this.replicas[0]!.carried();
  }

  async close(): Promise<void> {
    try {
      await this.pending;
    } finally {
      await Promise.all(this.replicas.map((r) => r.close()));
    }
  }
}

/** The replicas' init for a training graph built with `gradOutputs`: its split, the eval graph and starting values. */
export function replicaInit(
  graph: TrainingGraph,
  evalModel: Model,
  carried: Record<string, TensorData>,
  o: { seed: number; spinning?: boolean },
): Omit<ReplicaInit, 'index'> {
  const split = splitTrainingGraph(graph);
  const params = graph.params.map((p) => p.name);
  return {
    fusedModel: encodeModel(fuseUpdateIntoGrad(split, params)),
    updateModel: encodeModel(split.update),
    evalModel: encodeModel(evalModel),
    feeds: graph.feeds,
    outputs: graph.outputs,
    params,
    buffers: graph.buffers.map((b) => b.name),
    carried,
    seed: o.seed,
    spinning: o.spinning,
  };
}

/** Starts `replicas` replicas over `init` (in worker threads, or inline for tests and profiling). */
export async function createDataParallelStepper(
  init: Omit<ReplicaInit, 'index'>,
  replicas: number,
  mode: StepperMode = 'worker',
): Promise<Stepper> {
  if (!(Number.isInteger(replicas) && replicas >= 2))
    throw new TgrError('bad_argument', `data-parallel training: expected at least 2 replicas; got ${replicas}`);
  const started = await Promise.all(
    Array.from({ length: replicas }, async (_, index): Promise<Replica> => {
      if (mode === 'inline') return ReplicaCore.create({ ...init, index });
      const w = new WorkerStepper(spawnStepWorker());
      await w.call({ method: 'initReplica', arg: { ...init, index } });
      return new WorkerReplica(w);
    }),
  );
  return new DataParallelStepper(started);
}
