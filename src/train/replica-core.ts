/**
 * One replica of data-parallel training: a single-thread gradient session over its share of each batch, the update
 * session that applies the averaged gradients, and the carried tensors. Every replica applies the same averaged
 * gradients with the same update graph, so all hold identical weights without sending them around.
 */
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import { Session } from '../engine/session.js';
import { decodeModel } from '../onnx/proto-io.js';
import { cloneTensors, scalar } from '../onnx/tensor.js';
import type { TensorData } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import { EvalSession } from './eval-session.js';
import { EpochSession } from './epoch-session.js';

/** What a replica needs, as plain data that can cross a worker boundary. */
export interface ReplicaInit {
  /** Encoded gradient, update and eval graphs (.onnx bytes; src/autodiff/training-split.ts). */
  gradModel: Uint8Array;
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
  ) {}

  /** Creates the replica; a graph with Dropout gets its gradient session per epoch, in beginEpoch. */
  static async create(init: ReplicaInit): Promise<ReplicaCore> {
    const grad = await EpochSession.create(
      decodeModel(init.gradModel, 'gradient graph'),
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

  /** Forward and backward over this replica's share of the batch, with the current weights. */
  async grad(f: ShardFeeds): Promise<ShardResult> {
    await this.evalSession.drop();
    const { feeds, outputs, params, buffers } = this.init;
    const weights: Record<string, TensorData> = {};
    for (const n of [...params, ...buffers]) weights[n] = this.state[n]!;
    const fetch = [outputs.loss, outputs.logits, ...params.map((p) => `${p}.grad`), ...buffers.map((b) => `${b}.next`)];
    const out = await this.gradSession.current.run(
      { ...weights, [feeds.input]: f.input, [feeds.labels]: f.labels },
      fetch,
    );
    return {
      loss: (out[outputs.loss]!.data as Float32Array)[0]!,
      logits: (out[outputs.logits]!.data as Float32Array).slice(),
      grads: Object.fromEntries(params.map((p) => [p, out[`${p}.grad`]!])),
      buffers: Object.fromEntries(buffers.map((b) => [b, out[`${b}.next`]!])),
    };
  }

  /** Applies averaged gradients with the update graph, and takes the averaged buffers. */
  async apply(a: ApplyFeeds): Promise<void> {
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

  /** Logits [N, C] of the eval graph with the current weights. */
  evalBatch(input: TensorData): Promise<Float32Array> {
    return this.evalSession.run(this.state, input);
  }

  /** Copies of the carried tensors. */
  async carried(): Promise<Record<string, TensorData>> {
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
