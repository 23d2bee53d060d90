import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';

/** P(X = x) for X ~ Binomial(m, q). */
const pmf = (x: number, m: number, q: number) => binomialCdf(x, m, q) - (x > 0 ? binomialCdf(x - 1, m, q) : 0);

/**
 * Every outcome of independent binomial draws — m[h] at rate p[h] — as the hits k[h] with its probability times
 * `start`, stratum 0 outermost; outcomes of probability 0 or below `prune` are skipped. The tests' exact enumerations.
 */
export function forEachBinomialOutcome(
  m: readonly number[],
  p: readonly number[],
  visit: (k: number[], prob: number) => void,
  start = 1,
  prune = 0,
): void {
  const walk = (h: number, k: number[], prob: number): void => {
    if (prob === 0 || prob < prune) return;
    if (h === m.length) return visit(k, prob);
    for (let x = 0; x <= m[h]!; x++) walk(h + 1, [...k, x], prob * pmf(x, m[h]!, p[h]!));
  };
  walk(0, [], start);
}
