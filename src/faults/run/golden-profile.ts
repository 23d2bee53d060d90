/**
 * A golden pass's per-layer max |activation| and Σ |activation|, fed either a layer's values (a layer output the
 * pass exposes) or per-image reductions computed inside the graph (golden-reductions.ts). ±Inf and NaN never set a
 * max; they make the sum non-finite, as they would summed one by one.
 */
export class LayerProfiler {
  readonly maxAbs: Float64Array;
  readonly sumAbs: Float64Array;
  /** The current batch's sums: a batch split into runs adds its values in the order one run of it would. */
  private readonly batch: Float64Array;

  constructor(layers: number) {
    this.maxAbs = new Float64Array(layers);
    this.sumAbs = new Float64Array(layers);
    this.batch = new Float64Array(layers);
  }

  /** Adds layer `i`'s values (any number of images, in image order). */
  addValues(i: number, a: Float32Array): void {
    let m = this.maxAbs[i]!;
    let sum = this.batch[i]!;
    for (let k = 0; k < a.length; k++) {
      const av = Math.abs(a[k]!);
      if (av > m && av !== Infinity) m = av;
      sum += av;
    }
    this.maxAbs[i] = m;
    this.batch[i] = sum;
  }

  /**
   * Adds layer `i`'s per-image max, min and Σ |x| (one entry per image, in image order). Returns the positions of
   * images whose reductions are not all finite: their ±Inf or NaN must be skipped for the max, which only their
   * values allow, so the caller passes those images' values to `addValues` instead.
   */
  addReduced(i: number, max: Float32Array, min: Float32Array, sumAbs: Float64Array): number[] {
    const redo: number[] = [];
    let m = this.maxAbs[i]!;
    let sum = this.batch[i]!;
    for (let k = 0; k < sumAbs.length; k++) {
      const hi = max[k]!;
      const lo = -min[k]!;
      const s = sumAbs[k]!;
      if (!Number.isFinite(hi) || !Number.isFinite(lo) || !Number.isFinite(s)) {
        redo.push(k);
        continue;
      }
      const a = hi >= lo ? hi : lo;
      if (a > m) m = a;
      sum += s;
    }
    this.maxAbs[i] = m;
    this.batch[i] = sum;
    return redo;
  }

  /** Ends a batch: its sums join the totals. */
  endBatch(): void {
    this.batch.forEach((s, i) => (this.sumAbs[i] += s));
    this.batch.fill(0);
  }
}
