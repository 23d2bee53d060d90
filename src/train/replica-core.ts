/**
 * One replica of data-parallel training: a single-thread session over its share of each batch, and the carried
 * tensors. Every replica applies the same averaged gradients with the same update nodes, so all hold identical weights
 * without sending them around. The averaged gradients of step t are applied at the start of step t+1's run, in one
 * session with its gradient graph (training-split.ts, `fuseUpdateIntoGrad`); the update graph alone runs only when the
 * weights are wanted before a next step (evaluation, checkpoints).
 */
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import { fusedNames } from '../autodiff/training-split.js';
import { Session } from '../engine/session.js';
import { decodeModel } from '../onnx/proto-io.js';
import { cloneTensors, scalar } from '../onnx/tensor.js';
import type { TensorData } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import { EvalSession } from './eval-session.js';
import { EpochSession } from './epoch-session.js';

/** What a replica needs, as plain data that can cross a worker boundary. */
export interface ReplicaInit {
  /** Encoded update-then-gradient, update and eval graphs (.onnx bytes; src/autodiff/training-split.ts). */
  fusedModel: Uint8Array;
  updateModel: Uint8Array;
  evalModel: Uint8Array;
  feeds: TrainingGraph['feeds'];
  outputs: TrainingGraph['outputs'];
  /** Names of the parameters, optimizer state and buffers among `carried`. */
  params: string[];
  buffers: string[];
  /** Starting values of every carried tensor, by input name. */
  carried: Record<string, TensorData>;
  /** Which replica this is: its Dropout masks are drawn from a stream of their own. */
  index: number;
  seed: number;
  spinning?: boolean;
}

/** One replica's share of a batch. */
export interface ShardFeeds {
  input: TensorData;
  labels: TensorData;
}

/** What a replica's gradient run gives back: mean loss and logits of its share, gradients, buffers' next values. */
export interface ShardResult {
  loss: number;
  logits: Float32Array;
  grads: Record<string, TensorData>;
  buffers: Record<string, TensorData>;
}

/** The averaged gradients and buffers every replica applies, and the step's lr and 1-based number. */
export interface ApplyFeeds {
  grads: Record<string, TensorData>;
  buffers: Record<string, TensorData>;
  lr: number;
  step: number;
}

/** A data-parallel replica (see the module comment); the same class inline and in a worker. */
export class ReplicaCore {
  private constructor(
    private readonly init: ReplicaInit,
    private readonly gradSession: EpochSession,
    private readonly updateSession: Session,
    private readonly evalSession: EvalSession,
    private state: Record<string, TensorData>,
  ) {
    this.optState = Object.keys(state).filter((n) => !init.params.includes(n) && !init.buffers.includes(n));
  }

  /** The averaged gradients handed to `apply`, not yet applied (the next `grad` applies them first). */
  private pending: ApplyFeeds | null = null;
  /** Carried tensors that are neither parameters nor buffers: the optimizer's state. */
  private readonly optState: string[];
  /** Stand-in gradients for a run with the update switched off (the gate ignores what the update makes of them). */
  private zeros: Record<string, TensorData> | null = null;

  /** Creates the replica; a graph with Dropout gets its gradient session per epoch, in beginEpoch. */
  static async create(init: ReplicaInit): Promise<ReplicaCore> {
    const grad = await EpochSession.create(
      decodeModel(init.fusedModel, 'update-then-gradient graph'),
      (g) => Session.create(g, oneThread(init, 'gradient graph')),
      init.seed,
      `replica${init.index}`,
    );
    const update = await Session.create(init.updateModel, oneThread(init, 'update graph', false));
    const evalGraph = new EvalSession(decodeModel(init.evalModel, 'eval graph'), oneThread(init, 'eval graph', false));
    return new ReplicaCore(init, grad, update, evalGraph, { ...init.carried });
  }

  /** Called before epoch `e`'s first step: reseeds Dropout (from run seed, epoch and replica), when there is any. */
  beginEpoch(e: number): Promise<void> {
    return this.gradSession.beginEpoch(e);
  }

  /**
   * Forward and backward over this replica's share of the batch, after applying the pending averaged gradients (if
   * any) in the same run.
   */
  async grad(f: ShardFeeds): Promise<ShardResult> {
    await this.evalSession.drop();
    const { feeds, outputs, params, buffers } = this.init;
    const a = this.pending;
    this.pending = null;
    const given: Record<string, TensorData> = {
      [feeds.input]: f.input,
      [feeds.labels]: f.labels,
      [fusedNames.apply]: { dtype: 'bool', dims: [], data: Uint8Array.of(a ? 1 : 0) },
      [feeds.lr]: scalar(a?.lr ?? 0),
      [feeds.step]: scalar(a?.step ?? 1),
    };
    const grads = a?.grads ?? this.zeroGrads();
    for (const p of params) given[fusedNames.gradIn(p)] = grads[p]!;
    for (const n of [...params, ...this.optState]) given[n] = this.state[n]!;
    for (const b of buffers) given[b] = a ? a.buffers[b]! : this.state[b]!;
    const run: Record<string, TensorData> = {};
    for (const n of this.gradSession.current.inputNames) {
      run[n] = given[n]!;
      invariant(run[n], `update-then-gradient graph input ${n} has no value`);
    }
    const fetch = [outputs.loss, outputs.logits, ...params.map((p) => `${p}.grad`), ...buffers.map((b) => `${b}.next`)];
    const updated = a ? [...params, ...this.optState] : [];
    const out = await this.gradSession.current.run(run, [...fetch, ...updated.map((n) => `${n}.next`)]);
    for (const n of updated) this.state[n] = out[`${n}.next`]!;
    if (a) for (const b of buffers) this.state[b] = a.buffers[b]!;
    return {
      loss: (out[outputs.loss]!.data as Float32Array)[0]!,
      logits: (out[outputs.logits]!.data as Float32Array).slice(),
      grads: Object.fromEntries(params.map((p) => [p, out[`${p}.grad`]!])),
      buffers: Object.fromEntries(buffers.map((b) => [b, out[`${b}.next`]!])),
    };
  }

  /** Takes the averaged gradients and buffers of a step: the next `grad` applies them, or `flush` when sooner. */
  async apply(a: ApplyFeeds): Promise<void> {
    invariant(!this.pending, 'apply twice without a step between');
    this.pending = a;
  }

  /** Applies the pending update with the update graph alone, for callers that want the weights now. */
  private async flush(): Promise<void> {
    const a = this.pending;
    if (!a) return;
    this.pending = null;
    const { feeds, buffers } = this.init;
    const feedsIn: Record<string, TensorData> = { [feeds.lr]: scalar(a.lr), [feeds.step]: scalar(a.step) };
    for (const n of this.updateSession.inputNames) {
      if (n === feeds.lr || n === feeds.step) continue;
      feedsIn[n] = n.endsWith('.grad') ? a.grads[n.slice(0, -'.grad'.length)]! : this.state[n]!;
      invariant(feedsIn[n], `update graph input ${n} has no value`);
    }
    const out = await this.updateSession.run(feedsIn);
    for (const name of Object.keys(this.state)) {
      if (buffers.includes(name)) continue;
      const next = out[`${name}.next`];
      invariant(next, `update graph has no output ${name}.next`);
      this.state[name] = next;
    }
    for (const b of buffers) this.state[b] = a.buffers[b]!;
  }

  private zeroGrads(): Record<string, TensorData> {
    this.zeros ??= Object.fromEntries(
      this.init.params.map((p) => {
        const t = this.state[p]!;
        // float64 graphs (gradient checks) take float64 stand-ins.
        const data = new (t.data.constructor as Float32ArrayConstructor)(t.data.length);
        return [p, { dtype: t.dtype, dims: [...t.dims], data } as TensorData];
      }),
    );
    return this.zeros;
  }

  /** Logits [N, C] of the eval graph with the current weights. */
  async evalBatch(input: TensorData): Promise<Float32Array> {
    await this.flush();
    return this.evalSession.run(this.state, input);
  }

  /** Copies of the carried tensors, with every update given so far applied. */
  async carried(): Promise<Record<string, TensorData>> {
    await this.flush();
    return cloneTensors(this.state);
  }

  async close(): Promise<void> {
    await this.evalSession.drop();
    await this.gradSession.release();
    await this.updateSession.release();
  }
}

/** One intra-op thread per replica (the replicas are the parallelism); training sessions as step-core.ts sets them. */
function oneThread(init: ReplicaInit, label: string, training = true) {
  return {
    threads: 1,
    spinning: init.spinning ?? false,
    label,
    ...(training ? { memPattern: false, blockedConvs: true } : {}),
  };
}
