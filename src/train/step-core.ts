/**
 * What runs training steps: the training session, the tensors carried from step to step, and an evaluation session
 * built from the eval graph with the current weights. It is the same class on the main thread (inline) and in the
 * worker (step-worker.ts), so the two paths differ only by the message hop.
 */
import type { TrainingGraph } from '../autodiff/training-graph-types.js';
import { Session } from '../engine/session.js';
import { decodeModel } from '../onnx/proto-io.js';
import { cloneTensors, scalar } from '../onnx/tensor.js';
import type { Model, TensorData } from '../onnx/types.js';
import { invariant } from '../core/errors.js';
import { EvalSession } from './eval-session.js';
import { EpochSession } from './epoch-session.js';

/** Everything a stepper needs, as plain data that can cross a worker boundary. */
export interface StepInit {
  /** Encoded training graph and eval graph (.onnx bytes). */
  trainModel: Uint8Array;
  evalModel: Uint8Array;
  feeds: TrainingGraph['feeds'];
  outputs: TrainingGraph['outputs'];
  /** Starting values of every carried tensor (params, optimizer state, buffers), by input name. */
  carried: Record<string, TensorData>;
  /** Intra-op threads for ORT; default ORT's choice. */
  threads?: number;
  /** Run seed: Dropout masks of epoch e are seeded from (seed, e). */
  seed: number;
  /** Let ORT's idle intra-op threads spin-wait (ORT's default); off by default, see trainingSession. */
  spinning?: boolean;
}

/** One optimizer step's feeds besides the carried tensors. */
export interface StepFeeds {
  input: TensorData;
  labels: TensorData;
  lr: number;
  /** 1-based step number (AdamW's bias correction). */
  step: number;
}

export interface StepResult {
  loss: number;
  logits: Float32Array;
}

/** The operations a trainer asks of its stepper, inline or in a worker. */
export interface Stepper {
  /** Called before epoch `e`'s first step (reseeds Dropout, when the graph has any). */
  beginEpoch(e: number): Promise<void>;
  step(f: StepFeeds): Promise<StepResult>;
  /** Logits [N, C] of the eval graph with the current weights. */
  evalBatch(input: TensorData): Promise<Float32Array>;
  /** Copies of the carried tensors. */
  carried(): Promise<Record<string, TensorData>>;
  close(): Promise<void>;
}

export class StepCore implements Stepper {
  private readonly fetch: string[];

  private constructor(
    private readonly train: EpochSession,
    private readonly evalSession: EvalSession,
    private readonly init: StepInit,
    private state: Record<string, TensorData>,
  ) {
    this.fetch = [init.outputs.loss, init.outputs.logits, ...Object.keys(state).map((n) => `${n}.next`)];
  }

  /** Creates the stepper; a graph with Dropout gets its session per epoch, in beginEpoch. */
  static async create(init: StepInit): Promise<StepCore> {
    const graph = decodeModel(init.trainModel, 'training graph');
    const train = await EpochSession.create(graph, (g) => trainingSession(g, init), init.seed);
    return new StepCore(train, evalSession(init), init, { ...init.carried });
  }

  beginEpoch(e: number): Promise<void> {
    return this.train.beginEpoch(e);
  }

  async step(f: StepFeeds): Promise<StepResult> {
    await this.evalSession.drop();
    const { feeds } = this.init;
    const out = await this.train.current.run(
      {
        ...this.state,
        [feeds.input]: f.input,
        [feeds.labels]: f.labels,
        [feeds.lr]: scalar(f.lr),
        [feeds.step]: scalar(f.step),
      },
      this.fetch,
    );
    for (const name of Object.keys(this.state)) {
      const next = out[`${name}.next`];
      invariant(next, `training graph has no output ${name}.next`);
      this.state[name] = next;
    }
    return {
      loss: (out[this.init.outputs.loss]!.data as Float32Array)[0]!,
      logits: (out[this.init.outputs.logits]!.data as Float32Array).slice(),
    };
  }

  evalBatch(input: TensorData): Promise<Float32Array> {
    return this.evalSession.run(this.state, input);
  }

  async carried(): Promise<Record<string, TensorData>> {
    return cloneTensors(this.state);
  }

  async close(): Promise<void> {
    await this.evalSession.drop();
    await this.train.release();
  }
}

/** The eval graph's session, on the stepper's threads. */
function evalSession(init: StepInit): EvalSession {
  return new EvalSession(decodeModel(init.evalModel, 'eval graph'), {
    threads: init.threads,
    spinning: init.spinning ?? false,
    label: 'eval graph',
  });
}

/**
 * A training session. Memory-pattern planning off cut peak memory by ~40% at no speed cost in the spike. Spinning off
 * by default: on this shared 2-core machine ORT's spin-waiting threads starved the thread that prepares and sends the
 * next step, and ResNet-20 trained 1.7× faster without it (bench/RESULTS.md).
 */
function trainingSession(model: Model, o: Pick<StepInit, 'threads' | 'spinning'>): Promise<Session> {
  return Session.create(model, {
    threads: o.threads,
    spinning: o.spinning ?? false,
    memPattern: false,
    blockedConvs: true,
    label: 'training graph',
  });
}
