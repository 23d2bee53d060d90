import { check } from '../core/errors.js';
import { defaultConfidence, zForConfidence } from './confidence.js';

/*
 * Statistical fault injection sample size (Leveugle et al., DATE 2009):
 *
 *   n = N / (1 + e²(N−1) / (t²·p(1−p)))        and its inverse    e = t·√(p(1−p)·(N−n) / (n(N−1)))
 *
 * N = population (fault sites: elements × bits × images of a layer), e = margin of error (a proportion), t = the
 * two-sided normal quantile of the confidence level, p = the expected proportion (0.5 is the worst case).
 *
 * The paper's "4096 injections per layer ↔ 99% confidence, < 0.23% interval": this formula with p = 0.5 and the
 * populations of a CNN layer (N in the millions or more, so (N−n)/(N−1) ≈ 1) gives e = 2.576·0.5/√4096 ≈ 2.01%, not
 * 0.23%. A 0.23% margin at 99% needs n ≈ 313,560 at p = 0.5; 4096 buys 0.23% only when p(1−p) ≈ 0.00327, i.e. for an
 * observed rate of 0.33%. The paper does not say which p it used; the likely reading is an interval at a small
 * observed mismatch rate rather than the worst-case planning margin. `tgr plan` prints the worst case (p = 0.5);
 * metrics print the CI at the observed rate.
 */

/** What a sample-size question is asked about. */
export interface SampleSizeQuery {
  /** N: how many distinct fault sites exist (Infinity for "very many"). */
  population: number;
  /** Confidence level, 0.99 by default. */
  confidence?: number;
  /** Expected proportion, 0.5 (the worst case) by default. */
  p?: number;
}

/** The number of injections that reaches margin `e` (a proportion, 0.01 = 1%) for a population: n, rounded up. */
export function sampleSize(margin: number, q: SampleSizeQuery): number {
  check(
    margin > 0 && margin < 1,
    'bad_argument',
    () => `margin of error must be a proportion in (0, 1), e.g. 0.01 for 1%; got ${margin}`,
  );
  const { N, t, pq } = parts(q);
  const n0 = (t * t * pq) / (margin * margin); // the infinite-population size
  return Math.ceil(Number.isFinite(N) ? (N * n0) / (n0 + N - 1) : n0);
}

/**
 * The margin of error (a proportion) that n injections really buy for a population: Leveugle's formula solved for e.
 */
export function marginOfError(n: number, q: SampleSizeQuery): number {
  const { N, t, pq } = parts(q);
  check(
    Number.isInteger(n) && n >= 1 && n <= N,
    'bad_argument',
    () => `sample size must be a whole number between 1 and the population ${N}; got ${n}`,
  );
  if (n === N) return 0; // the whole population: no sampling error
  const fpc = Number.isFinite(N) ? (N - n) / (N - 1) : 1; // finite population correction
  return t * Math.sqrt((pq * fpc) / n);
}

/** N for a layer: every (image, element, bit) a fault could hit. */
export function layerPopulation(elementsPerImage: number, bitsPerValue: number, images: number): number {
  return elementsPerImage * bitsPerValue * images;
}

function parts(q: SampleSizeQuery): { N: number; t: number; pq: number } {
  const N = q.population;
  const p = q.p ?? 0.5;
  check(N >= 1, 'bad_argument', () => `population must be at least 1; got ${N}`);
  check(p > 0 && p < 1, 'bad_argument', () => `expected proportion p must be in (0, 1); got ${p}`);
  return { N, t: zForConfidence(q.confidence ?? defaultConfidence), pq: p * (1 - p) };
}
