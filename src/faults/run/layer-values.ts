import { Session, type EngineOptions } from '../../engine/session.js';
import { numel } from '../../onnx/tensor.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';

/**
 * One image's values of some layer outputs, from a session exposing them that is made on the first call: a pass
 * reducing layer outputs in the graph needs values only for an image whose reductions met ±Inf or NaN (golden.ts,
 * channel-profile.ts), usually none, and exposing every layer output costs a session of its own.
 */
export class LayerValues {
  private session?: Promise<Session>;

  constructor(
    private readonly clf: Pick<Classifier, 'model' | 'input' | 'layers'>,
    /** The layer outputs the session exposes: every one `of` may be asked for. */
    private readonly tensors: readonly string[],
    private readonly opts: EngineOptions,
  ) {}

  /** The values of `tensors` (some of the constructor's) for one image's pixels `x`, in the order asked. */
  async of(x: Float32Array, tensors: readonly string[]): Promise<Float32Array[]> {
    this.session ??= Session.create(withOutputs(this.clf.model, this.tensors), this.opts);
    const { name, shape } = this.clf.input;
    const session = await this.session;
    const out = await session.run({ [name]: { dtype: 'float32', dims: [1, ...shape], data: x } }, [...tensors]);
    return tensors.map((t) => out[t]!.data as Float32Array);
  }

  /**
   * For a run's pixels `x` and, per layer (an index into clf.layers), the positions of the run's images whose
   * reductions of it were not finite: each such image's values of its layers, passed to `add` in that order.
   */
  async redo(
    x: Float32Array,
    bad: ReadonlyArray<readonly [layer: number, images: readonly number[]]>,
    add: (layer: number, values: Float32Array) => void,
  ): Promise<void> {
    const byImage = new Map<number, number[]>();
    for (const [layer, images] of bad) for (const k of images) byImage.set(k, [...(byImage.get(k) ?? []), layer]);
    const size = numel(this.clf.input.shape);
    for (const [k, layers] of byImage) {
      const v = await this.of(
        x.subarray(k * size, (k + 1) * size),
        layers.map((i) => this.clf.layers[i]!.tensor),
      );
      layers.forEach((i, n) => add(i, v[n]!));
    }
  }

  /** Frees the session, if one was made. */
  async release(): Promise<void> {
    if (this.session) await (await this.session).release();
  }
}
