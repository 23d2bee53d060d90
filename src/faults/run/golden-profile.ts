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
   * Adds layer `i`'s max, min and Σ |x| per image and channel (`channels` entries per image, images in order).
   * Returns the positions of images whose reductions are not all finite: their ±Inf or NaN must be skipped for the
   * max, which only their values allow, so the caller passes those images' values to `addValues` instead.
   */
  addReduced(i: number, channels: number, max: Float32Array, min: Float32Array, sumAbs: Float64Array): number[] {
    const redo: number[] = [];
    let m = this.maxAbs[i]!;
    let sum = this.batch[i]!;
    for (let k = 0; k * channels < sumAbs.length; k++) {
      let image = 0;
      let s = 0;
      for (let c = k * channels; c < (k + 1) * channels; c++) {
        const hi = max[c]!;
        const lo = -min[c]!;
        const a = hi >= lo ? hi : lo;
        if (a > image) image = a;
        s += sumAbs[c]!;
      }
      // Any ±Inf or NaN value makes its channel's Σ |x| non-finite, whatever the max and min made of it.
      if (!Number.isFinite(image) || !Number.isFinite(s)) {
        redo.push(k);
        continue;
      }
      if (image > m) m = image;
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
