/**
 * Streaming mean and variance (Welford 1962; Chan et al. 1979 to merge), so millions of injection records are
 * summarised in O(1) memory and shards combine without revisiting records. Numerically stable where the naive
 * Σx² − (Σx)²/n cancels catastrophically.
 */
export class RunningMean {
  count = 0;
  mean = 0;
  private m2 = 0;

  /** Adds one observation. */
  add(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }

  /** Folds another accumulator in, as if its observations had been added here. */
  merge(other: RunningMean): void {
    if (other.count === 0) return;
    const n = this.count + other.count;
    const d = other.mean - this.mean;
    this.m2 += other.m2 + (d * d * this.count * other.count) / n;
    this.mean += (d * other.count) / n;
    this.count = n;
  }

  /** Sample variance (n − 1 denominator); NaN below two observations, where it is undefined. */
  get variance(): number {
    return this.count < 2 ? NaN : this.m2 / (this.count - 1);
  }

  /** Sample standard deviation. */
  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Standard error of the mean, σ/√n. */
  get standardError(): number {
    return this.sd / Math.sqrt(this.count);
  }
}
