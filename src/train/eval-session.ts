/**
 * The evaluation session of a stepper: the eval graph with the weights of one moment as initializers (not feeds), so
 * ORT pre-packs conv kernels as it will for the exported model. Built on first use, dropped when the weights move.
 */
import { Session, type EngineOptions } from '../engine/session.js';
import type { Model, TensorData } from '../onnx/types.js';
import { withWeights } from './weights.js';

/** The eval graph's session over the current weights (see the module comment). */
export class EvalSession {
  private session: Session | null = null;

  constructor(
    private readonly graph: Model,
    private readonly opts: EngineOptions,
  ) {}

  /** Logits [N, C] of `input` with `weights` (those of the session's last build, until `drop`). */
  async run(weights: Record<string, TensorData>, input: TensorData): Promise<Float32Array> {
    this.session ??= await Session.create(withWeights(this.graph, weights), this.opts);
    const out = await this.session.run({ [this.graph.graph.inputs[0]!.name]: input });
    return (out[this.graph.graph.outputs[0]!.name]!.data as Float32Array).slice();
  }

  /** Frees the session; the next run builds one over the weights it is given. */
  async drop(): Promise<void> {
    if (!this.session) return;
    const s = this.session;
    this.session = null;
    await s.release();
  }
}
