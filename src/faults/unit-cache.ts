import type { Model } from '../onnx/types.js';
import { Session } from '../engine/session.js';
import type { Classifier } from './classifier.js';
import { withOutputs } from './exposed.js';
import type { ImageSet } from './images.js';
import type { UnitCache } from './injector.js';

/**
 * One forward pass per unit of images returns the golden scores and every tensor the unit's layers need (their
 * outputs, what their suffixes carry, their inputs for weight faults): the prefix of every layer, run once.
 */
export class UnitForward {
  private constructor(
    private readonly session: Session,
    private readonly clf: Classifier,
    private readonly tensors: readonly string[],
  ) {}

  /** A session over `model` that also outputs `tensors`. */
  static async create(clf: Classifier, model: Model, tensors: readonly string[], threads?: number): Promise<UnitForward> {
    // The image input is not an output to ask for: the unit has its pixels anyway.
    const unique = [...new Set(tensors)].filter((t) => t !== clf.input.name);
    const session = await Session.create(withOutputs(model, unique), { threads, label: clf.file, spinning: false });
    return new UnitForward(session, clf, unique);
  }

  /** Golden activations of `indices` (dataset indices, in this order). */
  async run(images: ImageSet, indices: readonly number[]): Promise<UnitCache> {
    const pixels = await images.pixels(indices);
    const out = await this.session.run(
      { [this.clf.input.name]: { dtype: 'float32', dims: [indices.length, ...this.clf.input.shape], data: pixels } },
      [this.clf.output.name, ...this.tensors],
    );
    out[this.clf.input.name] = { dtype: 'float32', dims: [indices.length, ...this.clf.input.shape], data: pixels };
    return { images: indices, pixels, tensors: out, logits: out[this.clf.output.name]!.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
