import type { Model, TensorData } from '../../onnx/types.js';
import { numel } from '../../onnx/tensor.js';
import { invariant } from '../../core/errors.js';
import { pageMemory } from '../../core/page-memory.js';
import { bytesPerElement } from '../../onnx/dtypes.js';
import type { Classifier, ClassifierLayer } from '../model/classifier.js';
import type { CampaignPlan } from '../plan/plan.js';
import type { GoldenRun } from '../store/records.js';
import { numberFormat } from '../formats/registry.js';
import { LayerInjector, type UnitCache } from './injector.js';
import type { ImageSet } from './images.js';
import { WeightPlain } from './plain.js';
import { modelWithDetector } from './range-detector.js';
import { heldLayer, type HeldLayer } from './held.js';
import { unitSource, unitTensors, type GoldenActivations, type UnitSource } from './unit-cache.js';

/*
 * The rounds of a --halfwidth campaign run the same model on the same pool, a few thousand sites at a time. Run one
 * by one, each round would build its own sessions and forward its images again. Shared, one suffix session per layer
 * serves every round, and each image's activations are kept from the first forward pass that needed them, through
 * one graph exposing every layer of the campaign (so a value does not move with the layers a round tops up).
 */

/** The sessions one run of a plan uses: per layer group the unit forward pass and the layers' injectors. */
export interface RunSessions {
  forGroup(g: number): Promise<{ forward: UnitSource; injectors: Map<number, LayerInjector> }>;
  weightPlain(li: number): Promise<WeightPlain>;
  release(): Promise<void>;
}

/** The model a plan's units and suffixes run: the classifier's, with the range detector when the plan has it. */
export function runModel(clf: Classifier, golden: GoldenRun, plan: CampaignPlan): Model {
  return modelWithDetector(clf.model, golden.layers, plan.rangeDetector);
}

/**
 * A plan's layers as the runner injects them, with their held forms: on a network emulated in the plan's format a
 * neuron flip hits the stored value, after the layer's quantizer, so the layer's tensor is the held one.
 */
export function runLayers(
  clf: Classifier,
  plan: CampaignPlan,
): { layers: ClassifierLayer[]; held: (HeldLayer | undefined)[] } {
  const fmt = numberFormat(plan.format);
  const planned = plan.layers.map((pl) => clf.layers.find((l) => l.name === pl.name)!);
  const held = planned.map((l) => (plan.target === 'neurons' ? heldLayer(clf.model, l, fmt) : undefined));
  return { layers: planned.map((l, li) => (held[li] ? { ...l, tensor: held[li].tensor } : l)), held };
}

/** Options of the sessions a campaign's runs share. */
export interface SharedOptions {
  threads?: number;
  shortcuts?: boolean;
  activations?: GoldenActivations;
  /** Most bytes of golden rows kept across runs; when every golden row would not fit, each run forwards its own units. */
  keepBytes?: number;
}

/**
 * Activations kept across a campaign's rounds: a constant, not a share of the machine's memory, so a campaign resumed
 * elsewhere keeps (and so forwards in the same batches) as its first run did.
 */
export const defaultKeepBytes = 2 * 2 ** 30;

/**
 * Sessions and golden activations shared by the runs of one campaign's rounds (`whole`: the plan of its first round,
 * which holds every layer). Undefined when they cannot be shared: layers in more than one group (their suffix
 * sessions do not fit in memory together) or tensors without a leading batch axis (no per-image rows to keep).
 */
export class SharedSessions {
  private readonly injectors: Map<string, LayerInjector>;
  private readonly plains = new Map<string, WeightPlain>();
  /** The kept rows, or undefined when the golden rows would pass keepBytes: then each run forwards its own units. */
  private readonly units: KeptRows | undefined;

  private constructor(
    private readonly clf: Classifier,
    private readonly model: Model,
    private readonly golden: GoldenRun,
    readonly whole: CampaignPlan,
    private readonly opts: SharedOptions,
  ) {
    const { layers } = runLayers(clf, whole);
    this.injectors = new Map(layers.map((l) => [l.name, new LayerInjector(clf, model, l, opts)]));
    const tensors = [...this.injectors.values()].flatMap((inj) => unitTensors(inj, whole.target));
    const units = new KeptRows(clf, model, golden, tensors, opts);
    this.units = units.fits(units.bytesPerImage()) ? units : undefined;
  }

  /** The shared sessions of a campaign whose first round planned `whole`, or undefined when they cannot be shared. */
  static create(
    clf: Classifier,
    golden: GoldenRun,
    whole: CampaignPlan,
    opts: SharedOptions = {},
  ): SharedSessions | undefined {
    if (whole.groups.length !== 1) return undefined;
    const shared = new SharedSessions(clf, runModel(clf, golden, whole), golden, whole, opts);
    if ([...shared.injectors.values()].some((inj) => inj.fixedBatch)) return undefined;
    return shared;
  }

  /** The sessions for one run of `plan` (a round of this campaign): its layers' injectors, the shared unit source. */
  forPlan(plan: CampaignPlan): RunSessions {
    const settings = ['format', 'errorModel', 'target', 'rangeDetector', 'seed', 'pool'] as const;
    invariant(
      settings.every((k) => plan[k] === this.whole[k]) && plan.model.sha256 === this.whole.model.sha256,
      'SharedSessions.forPlan was given a plan of another campaign',
    );
    const injectors = (g: number) =>
      new Map(plan.groups[g]!.map((li) => [li, this.injectors.get(plan.layers[li]!.name)!]));
    // Without kept rows, a run forwards its units as a run alone does (only its own layers' tensors: exposing every
    // layer's would cost each forward more than the rows it serves), one session per group.
    let own: { g: number; forward: UnitSource } | undefined;
    const ownForward = async (g: number): Promise<UnitSource> => {
      if (own?.g === g) return own.forward;
      await own?.forward.release();
      const tensors = plan.groups[g]!.flatMap((li) =>
        unitTensors(this.injectors.get(plan.layers[li]!.name)!, plan.target),
      );
      const forward = await unitSource(this.clf, this.model, tensors, this.golden, this.opts);
      own = { g, forward };
      return forward;
    };
    return {
      forGroup: async (g) => {
        const units = this.units;
        const forward: UnitSource = units
          ? { run: (images, indices) => units.run(images, indices), release: async () => {} }
          : await ownForward(g);
        return { forward, injectors: injectors(g) };
      },
      weightPlain: async (li) => {
        const layer = this.clf.layers.find((l) => l.name === plan.layers[li]!.name)!;
        let p = this.plains.get(layer.name);
        if (!p)
          this.plains.set(
            layer.name,
            (p = await WeightPlain.create(this.clf, this.model, layer.weight!, this.opts.threads)),
          );
        return p;
      },
      release: async () => {
        await own?.forward.release();
        own = undefined;
      },
    };
  }

  /**
   * Forwards the golden rows `plan`'s units need, unit by unit in the order a run takes them, until `stop()` holds:
   * a run's first work done ahead of it (nothing when no rows are kept).
   */
  async warm(images: ImageSet, plan: CampaignPlan, stop: () => boolean): Promise<void> {
    const units = this.units;
    if (!units) return;
    for (const unit of plan.units) {
      if (stop()) return;
      await units.run(images, unit.images);
    }
  }

  /** Frees every session. */
  async release(): Promise<void> {
    await this.units?.release();
    for (const inj of this.injectors.values()) await inj.release();
    for (const p of this.plains.values()) await p.release();
    this.plains.clear();
  }
}

/**
 * Golden rows forwarded together by KeptRows: always the same block, so an image's activations do not depend on which
 * round, shard or resumed process first needed it (a GEMM's result may depend on its batch's size).
 */
export const keptBlock = 128;

/**
 * A unit source that keeps every golden image's rows in one array per tensor, indexed by the image's golden row, so a
 * unit needs no copy: the blocks of golden rows holding its images not forwarded yet are (one graph exposing every
 * tensor of the campaign), their rows written in, and every unit gets the same cache, whose `rows` say where each image
 * is. When a tensor's size is known only after a forward and the golden rows then pass `keepBytes`, nothing is kept
 * and each unit is forwarded as it comes.
 */
class KeptRows {
  private readonly names: string[];
  private readonly goldenRow: Map<number, number>;
  private readonly done: Uint8Array;
  private source: UnitSource | undefined;
  private cache: UnitCache | undefined;
  private keeping = true;

  constructor(
    private readonly clf: Classifier,
    private readonly model: Model,
    private readonly golden: GoldenRun,
    private readonly tensors: readonly string[],
    private readonly opts: SharedOptions,
  ) {
    this.names = [clf.output.name, ...new Set(tensors.filter((t) => t !== clf.input.name && t !== clf.output.name))];
    this.goldenRow = new Map(golden.indices.map((img, r) => [img, r]));
    this.done = new Uint8Array(Math.ceil(golden.indices.length / keptBlock));
  }

  /** The golden activations of the unit of `indices`. */
  async run(images: ImageSet, indices: readonly number[]): Promise<UnitCache> {
    this.source ??= await unitSource(this.clf, this.model, this.tensors, this.golden, this.opts);
    if (!this.keeping) return this.source.run(images, indices);
    const blocks = [...new Set(indices.map((img) => Math.floor(this.goldenRow.get(img)! / keptBlock)))].filter(
      (b) => !this.done[b],
    );
    for (const b of blocks.sort((x, y) => x - y)) {
      const block = this.golden.indices.slice(b * keptBlock, (b + 1) * keptBlock);
      const c = await this.source.run(images, block);
      if (!this.cache && !this.allocate(c, block.length)) {
        // Only when the graph left a tensor's size unknown: this block's rows are not kept, nor any later.
        this.keeping = false;
        return this.source.run(images, indices);
      }
      for (const name of [...this.names, this.clf.input.name]) {
        const from = c.tensors[name]!;
        const to = this.cache!.tensors[name]!.data as Float32Array;
        to.set(from.data as Float32Array, b * keptBlock * numel(from.dims.slice(1)));
      }
      this.done[b] = 1;
    }
    return this.cache!;
  }

  /** Whether every golden row fits in `keepBytes` at `perImage` bytes (undefined: not known before a forward). */
  fits(perImage: number | undefined): boolean {
    return perImage === undefined || perImage * this.golden.indices.length <= (this.opts.keepBytes ?? defaultKeepBytes);
  }

  /** Bytes of one image's rows, from the graph's shapes; undefined when one is not static. */
  bytesPerImage(): number | undefined {
    let bytes = 4 * numel(this.clf.input.shape);
    for (const t of this.names) {
      const v = this.model.graph.valueInfo.get(t) ?? this.model.graph.outputs.find((o) => o.name === t);
      const dims = v?.shape.slice(1);
      if (!v || v.rankUnknown || !dims!.every((d) => typeof d === 'number')) return undefined;
      bytes += bytesPerElement[v.dtype] * numel(dims as number[]);
    }
    return bytes;
  }

  /** Makes the arrays for every golden row, shaped as `c`'s (`n` rows); false when they would pass `keepBytes`. */
  private allocate(c: UnitCache, n: number): boolean {
    const rows = this.golden.indices.length;
    const names = [...this.names, this.clf.input.name];
    const perImage = names.map((t) => c.tensors[t]!.data.byteLength / n);
    if (!this.fits(perImage.reduce((a, b) => a + b, 0))) return false;
    // One mapping for every tensor, each at a 64-byte boundary (any element size divides it).
    const bytes = perImage.map((b) => Math.ceil((b * rows) / 64) * 64);
    const memory = pageMemory(bytes.reduce((a, b) => a + b, 0));
    let offset = 0;
    const whole = (t: TensorData, i: number): TensorData => {
      const data = new (t.data.constructor as Float32ArrayConstructor)(memory, offset, rows * numel(t.dims.slice(1)));
      offset += bytes[i]!;
      return { dtype: t.dtype, dims: [rows, ...t.dims.slice(1)], data } as TensorData;
    };
    const tensors = Object.fromEntries(names.map((t, i) => [t, whole(c.tensors[t]!, i)]));
    this.cache = {
      images: this.golden.indices,
      rows: this.goldenRow,
      pixels: tensors[this.clf.input.name]!.data as Float32Array,
      tensors,
      logits: tensors[this.clf.output.name]!.data as Float32Array,
    };
    return true;
  }

  async release(): Promise<void> {
    await this.source?.release();
    this.source = undefined;
    this.cache = undefined;
    this.done.fill(0);
    this.keeping = true;
  }
}
