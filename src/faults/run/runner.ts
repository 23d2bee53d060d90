import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../../onnx/types.js';
import { progress } from '../../core/progress.js';
import { invariant } from '../../core/errors.js';
import { lockFile, lockPathFor, removeStaleTemps } from '../../core/folder-lock.js';
import type { Classifier, ClassifierLayer } from '../model/classifier.js';
import { errorModel } from '../error-models/registry.js';
import { numberFormat } from '../formats/registry.js';
import { LayerInjector, rowOf, type EvalPath, type Fault, type UnitCache } from './injector.js';
import type { ImageSet } from './images.js';
import type { CampaignPlan } from '../plan/plan.js';
import { checkPlanModel } from '../plan/plan-file.js';
import { checkGuardBounds, guardTrips } from './guard.js';
import { WeightPlain } from './plain.js';
import { rangeClamp } from './range-detector.js';
import type { GoldenRun, InjectionRecord } from '../store/records.js';
import { scoreRow } from '../../stats/scores.js';
import { faultsFileName, shardUnits, type Shard } from '../plan/shard.js';
import { faultSite, siteBits } from '../plan/site.js';
import { FaultLog } from '../store/fault-log.js';
import { recordLine } from '../store/store.js';
import { unitSource, unitTensors, type GoldenActivations, type UnitSource } from './unit-cache.js';
import { weightChange, type Change } from './weights.js';
import { heldWeight, type HeldLayer } from './held.js';
import { runLayers, runModel, type RunSessions, type SharedSessions } from './shared-sessions.js';

export interface RunOptions {
  classifier: Classifier;
  golden: GoldenRun;
  plan: CampaignPlan;
  images: ImageSet;
  /** The campaign directory (runs/NAME/campaign/FORMAT): the results file is written here. */
  dir: string;
  shard?: Shard;
  threads?: number;
  quiet?: boolean;
  /** false: every fault runs its suffix (no masked/analytic shortcuts), to check them against it. */
  shortcuts?: boolean;
  /** Small activations the golden pass kept (readGoldenActivations): units whose layers need only these skip the forward pass. */
  activations?: GoldenActivations;
  /**
   * Sessions and golden activations shared with the other rounds of the campaign (SharedSessions.forPlan's owner
   * releases them); without, the run makes its own.
   */
  shared?: SharedSessions;
  /** Sees each fault's scores and how they were computed (tests hold them to the plain path). */
  onScores?: (id: number, scores: Float32Array, path: EvalPath) => void;
}

export interface RunResult {
  file: string;
  /** Sites in this run (the shard's, or all). */
  sites: number;
  /** Sites found already done in the file (a resumed run). */
  resumed: number;
  paths: Record<EvalPath, number>;
  seconds: number;
}

/**
 * Runs a campaign plan (or one shard of it), resumably. Unit by unit: one forward pass caches the golden activations
 * of the unit's images; each layer's sites are evaluated in batches (analytic, masked or suffix, see LayerInjector);
 * the unit's records are appended to faults.jsonl and fsynced. A restart skips the complete units in the file.
 */
export async function runCampaign(o: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const { classifier: clf, golden, plan } = o;
  checkPlanModel(plan, clf, join(o.dir, 'plan.json'));
  checkGuardBounds(plan.guardBounds, clf.output.classes, join(o.dir, 'plan.json'));
  const fmt = numberFormat(plan.format);
  const em = errorModel(plan.errorModel);
  const model = runModel(clf, golden, plan);
  const { first, units } = shardUnits(plan, o.shard);
  const sites = units.reduce((s, u) => s + u.end - u.start, 0);
  mkdirSync(o.dir, { recursive: true });
  const file = join(o.dir, faultsFileName(o.shard));
  const lock = lockFile(lockPathFor(file));
  let log: FaultLog;
  try {
    removeStaleTemps(o.dir);
    log = FaultLog.open(file, plan, o.shard, o.quiet ? undefined : (line) => process.stderr.write(line + '\n'));
  } catch (e) {
    lock.release();
    throw e;
  }
  const goldenAt = new Map(golden.indices.map((img, i) => [img, i]));
  const { layers, held } = runLayers(clf, plan);
  // A weight flip hits the weight as stored: its channel's scale or its block's exponent, when weights are held.
  const heldW = layers.map((l) => (plan.target === 'weights' ? heldWeight(clf.model, l, fmt) : undefined));
  const contexts = plan.layers.map((pl) => fmt.contextFor(pl.maxAbs));
  const paths: Record<EvalPath, number> = { masked: 0, analytic: 0, suffix: 0, plain: 0 };
  const bar = progress({ label: `inject ${plan.format}`, total: sites - log.doneRecords, unit: 'inj', quiet: o.quiet });
  const sessions: RunSessions = o.shared ? o.shared.forPlan(plan) : new Sessions(clf, model, plan, layers, o);
  try {
    for (let u = log.doneUnits; u < units.length; u++) {
      const unit = units[u]!;
      const { forward, injectors } = await sessions.forGroup(unit.group);
      const cache = await forward.run(o.images, unit.images);
      const rows = cache.rows ?? new Map(unit.images.map((img, r) => [img, r]));
      let lines = '';
      for (let s = unit.start; s < unit.end;) {
        const li = plan.sites.layer[s]!;
        let e = s;
        while (e < unit.end && plan.sites.layer[e] === li && e - s < plan.batchSize) e++;
        const layer = plan.layers[li]!;
        const items = [];
        for (let id = s; id < e; id++) {
          const image = plan.sites.image[id]!;
          const site = faultSite(
            layer.name,
            image,
            plan.sites.index[id]!,
            plan.sites.bits?.[id] ?? [plan.sites.bit[id]!],
          );
          const row = rows.get(image)!;
          const values =
            plan.target === 'neurons'
              ? rowOf(cache.tensors[layers[li]!.tensor]!, row)
              : (clf.model.graph.initializers.get(layer.tensor)!.data as Float32Array);
          const golden = values[site.index]!;
          const h = held[li];
          const hw = heldW[li];
          const ctx = h ? h.context(values, site.index) : (hw?.context(site.index) ?? contexts[li]);
          // The pattern as made, not as a JS number holds it: that would quiet a signalling NaN (see PatternValue).
          const { value: faulty, bits: faultyBits } = em.corrupt(golden, site, fmt, ctx);
          // A fault in bits the format stores once per group (BFP's block exponent) changes every value of the group.
          const sharedBits = siteBits(site).filter((b) => ((fmt.shared ?? 0) >>> b) & 1);
          const holder = h ?? hw;
          const group = holder && sharedBits.length ? holder.group(site.index).filter((j) => j !== site.index) : [];
          const shared = { ...site, bit: sharedBits[0]!, bits: sharedBits };
          const moved = group.map((j) => em.corrupt(values[j]!, { ...shared, index: j }, fmt, ctx).value);
          const changed = {
            index: Int32Array.from([site.index, ...group]),
            value: Float32Array.from([faulty, ...moved]),
          };
          items.push({
            id,
            site,
            row,
            golden,
            faulty,
            faultyBits,
            changed,
            change: changeFor(plan, model, layers[li]!, cache, row, changed, layer.bound, h),
          });
        }
        const evaluated = items.filter((it) => it.change);
        const r = await injectors.get(li)!.evaluate(
          cache,
          evaluated.map((it) => ({ row: it.row, change: it.change! }) satisfies Fault),
        );
        const K = clf.output.classes;
        const scores = new Map(
          evaluated.map((it, k) => [it.id, { s: r.logits.subarray(k * K, (k + 1) * K), path: r.paths[k]! }]),
        );
        for (const it of items.filter((x) => !x.change)) {
          const plain = await sessions.weightPlain(li);
          scores.set(it.id, {
            s: await plain.run(
              rowOf({ dtype: 'float32', dims: [unit.images.length, ...clf.input.shape], data: cache.pixels }, it.row),
              1,
              it.changed,
            ),
            path: 'plain',
          });
        }
        for (const it of items) {
          const { s: sc, path } = scores.get(it.id)!;
          paths[path]++;
          o.onScores?.(it.id, sc, path);
          const gi = goldenAt.get(it.site.image);
          invariant(gi !== undefined, `image ${it.site.image} is not in the golden run`);
          const res = scoreRow(sc, 0, K, golden.labels[gi]!);
          const masked = path === 'masked';
          // The guard reads the final scores, whichever path produced them: one check, exact on every path.
          const detected = plan.guardBounds !== undefined && guardTrips(plan.guardBounds, sc);
          const rec: InjectionRecord = {
            id: it.id,
            layer: layer.name,
            image: it.site.image,
            index: it.site.index,
            bit: it.site.bit,
            ...(it.site.bits ? { bits: [...it.site.bits] } : {}),
            original: it.golden,
            faulty: it.faulty,
            ...(Number.isFinite(it.faulty) ? {} : { faultyBits: it.faultyBits }),
            goldenTop1: golden.preds[gi]!,
            faultyTop1: masked ? golden.preds[gi]! : res.top1,
            goldenLoss: golden.losses[gi]!,
            faultyLoss: masked ? golden.losses[gi]! : res.finite ? res.loss : null,
            nonFinite: !masked && !res.finite,
            ...(detected ? { detected } : {}),
            ...(masked ? { masked } : {}),
          };
          lines += recordLine(rec);
        }
        s = e;
      }
      log.appendUnit(first + u, unit.start, unit.end, lines);
      bar.tick(unit.end - unit.start);
    }
  } finally {
    log.close();
    lock.release();
    bar.done();
    await sessions.release();
  }
  return { file, sites, resumed: log.doneRecords, paths, seconds: (Date.now() - t0) / 1000 };
}

/**
 * The change a fault makes to the layer output of one image; undefined when only a whole-model run can say. At a
 * held layer the detector's clamp (which sits before the quantizer) is stored in the format again.
 */
function changeFor(
  plan: CampaignPlan,
  model: Model,
  layer: ClassifierLayer,
  cache: UnitCache,
  row: number,
  changed: Change,
  bound: number,
  held: HeldLayer | undefined,
): Change | undefined {
  const clamp = (v: number) => (plan.rangeDetector ? rangeClamp(v, bound) : v);
  if (plan.target === 'neurons') {
    const golden = rowOf(cache.tensors[layer.tensor]!, row);
    const value = (v: number, i: number) => (held && plan.rangeDetector ? held.hold(clamp(v), golden, i) : clamp(v));
    return { index: changed.index, value: changed.value.map((v, k) => value(v, changed.index[k]!)) };
  }
  if (!changed.value.every(Number.isFinite)) return undefined; // Inf·0 inside a kernel: leave it to the kernel
  const node = model.graph.nodes.find((n) => n.name === layer.name)!;
  const c = weightChange(
    model.graph,
    node,
    changed,
    rowOf(cache.tensors[layer.input]!, row),
    rowOf(cache.tensors[layer.tensor]!, row),
    layer.shape,
  );
  if (c) c.value.forEach((v, k) => (c.value[k] = clamp(v)));
  return c;
}

/** Sessions alive for one layer group at a time: the unit forward pass and each layer's suffix. */
class Sessions implements RunSessions {
  private group = -1;
  private current: { forward: UnitSource; injectors: Map<number, LayerInjector> } | undefined;
  private plains = new Map<number, WeightPlain>();

  constructor(
    private readonly clf: Classifier,
    private readonly model: Model,
    private readonly plan: CampaignPlan,
    private readonly layers: ClassifierLayer[],
    private readonly o: RunOptions,
  ) {}

  async forGroup(g: number): Promise<{ forward: UnitSource; injectors: Map<number, LayerInjector> }> {
    if (g === this.group && this.current) return this.current;
    await this.release();
    const injectors = new Map(
      this.plan.groups[g]!.map((li) => [li, new LayerInjector(this.clf, this.model, this.layers[li]!, this.o)]),
    );
    const tensors = [...injectors.values()].flatMap((inj) => unitTensors(inj, this.plan.target));
    const forward = await unitSource(this.clf, this.model, tensors, this.o.golden, this.o);
    this.group = g;
    this.current = { forward, injectors };
    return this.current;
  }

  async weightPlain(li: number): Promise<WeightPlain> {
    let p = this.plains.get(li);
    if (!p)
      this.plains.set(
        li,
        (p = await WeightPlain.create(this.clf, this.model, this.layers[li]!.weight!, this.o.threads)),
      );
    return p;
  }

  async release(): Promise<void> {
    if (this.current) {
      await this.current.forward.release();
      for (const inj of this.current.injectors.values()) await inj.release();
    }
    for (const p of this.plains.values()) await p.release();
    this.plains.clear();
    this.current = undefined;
    this.group = -1;
  }
}
