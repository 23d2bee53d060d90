import type { Model } from '../../onnx/types.js';
import { Session } from '../../engine/session.js';
import type { Classifier } from '../model/classifier.js';
import { withOutputs } from '../model/exposed.js';
import type { ImageSet } from './images.js';
import type { LayerInjector, UnitCache } from './injector.js';
import type { Target } from '../plan/targets.js';

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
  static async create(
    clf: Classifier,
    model: Model,
    tensors: readonly string[],
    threads?: number,
  ): Promise<UnitForward> {
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

/** Where a unit's golden activations come from. */
export interface UnitSource {
  run(images: ImageSet, indices: readonly number[]): Promise<UnitCache>;
  release(): Promise<void>;
}

/**
 * The unit source for `tensors`: the golden pass's kept rows when they hold every one (KeptUnits), else a forward pass
 * of `model` exposing them.
 */
export async function unitSource(
  clf: Classifier,
  model: Model,
  tensors: readonly string[],
  golden: { indices: readonly number[] },
  o: { activations?: GoldenActivations; threads?: number },
): Promise<UnitForward | KeptUnits> {
  return KeptUnits.covers(o.activations, clf, tensors)
    ? new KeptUnits(clf, o.activations!, golden.indices, tensors)
    : UnitForward.create(clf, model, tensors, o.threads);
}

/** Tensors a unit caches for one layer: its output, what its suffix carries, and its input for weight faults. */
export function unitTensors(injector: Pick<LayerInjector, 'cachedTensors' | 'layer'>, target: Target): string[] {
  return [...injector.cachedTensors, ...(target === 'weights' ? [injector.layer.input] : [])];
}

/** Small activations kept by the golden pass: tensor name → rows (`size` values each) aligned with golden.indices. */
export type GoldenActivations = ReadonlyMap<string, { size: number; data: Float32Array }>;

/**
 * Units served from the golden pass's kept activations instead of a forward pass: the golden pass keeps what units
 * of the analytic and last layers need (keptTensors), so a campaign on the last layers runs no network at all.
 */
export class KeptUnits {
  private readonly rowOf: Map<number, number>;
  private readonly names: string[];

  /** Units of `kept`'s rows; with `tensors`, only those and the scores are gathered (an old file may keep many more). */
  constructor(
    private readonly clf: Classifier,
    private readonly kept: GoldenActivations,
    goldenIndices: readonly number[],
    tensors?: readonly string[],
  ) {
    this.rowOf = new Map(goldenIndices.map((img, r) => [img, r]));
    const all = [...kept.keys()];
    const want = tensors && new Set([clf.output.name, ...tensors]);
    this.names = want ? all.filter((t) => want.has(t)) : all;
  }

  /** True when every tensor in `tensors` (and the scores) was kept. */
  static covers(kept: GoldenActivations | undefined, clf: Classifier, tensors: readonly string[]): boolean {
    return kept !== undefined && [clf.output.name, ...tensors].every((t) => t === clf.input.name || kept.has(t));
  }

  /** The unit's golden activations, gathered from the kept rows. */
  async run(images: ImageSet, indices: readonly number[]): Promise<UnitCache> {
    const pixels = await images.pixels(indices);
    const tensors: UnitCache['tensors'] = {};
    for (const name of this.names) {
      const { size, data } = this.kept.get(name)!;
      const v = this.clf.model.graph.valueInfo.get(name) ?? this.clf.model.graph.outputs.find((o) => o.name === name)!;
      const rows = new Float32Array(indices.length * size);
      indices.forEach((img, r) => {
        const g = this.rowOf.get(img)!;
        rows.set(data.subarray(g * size, (g + 1) * size), r * size);
      });
      tensors[name] = { dtype: 'float32', dims: [indices.length, ...(v.shape.slice(1) as number[])], data: rows };
    }
    tensors[this.clf.input.name] = { dtype: 'float32', dims: [indices.length, ...this.clf.input.shape], data: pixels };
    return { images: indices, pixels, tensors, logits: tensors[this.clf.output.name]!.data as Float32Array };
  }

  async release(): Promise<void> {}
}
