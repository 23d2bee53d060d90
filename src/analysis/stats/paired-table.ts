import { check } from '../../core/errors.js';
import type { PairedTable } from '../../run-folder/analysis.js';

export type { PairedTable } from '../../run-folder/analysis.js';

/** The 2×2 table of paired correctness; both arrays index the same images. */
export function pairedTable(first: ArrayLike<boolean>, second: ArrayLike<boolean>): PairedTable {
  check(
    first.length === second.length,
    'bad_argument',
    () =>
      `paired comparison needs predictions on the same images; got ${first.length} and ${second.length} — evaluate both models on one test set`,
  );
  const t: PairedTable = { bothCorrect: 0, onlyFirst: 0, onlySecond: 0, bothWrong: 0 };
  for (let i = 0; i < first.length; i++) {
    if (first[i]) second[i] ? t.bothCorrect++ : t.onlyFirst++;
    else second[i] ? t.onlySecond++ : t.bothWrong++;
  }
  return t;
}

/** Correctness per image from predicted and true labels. */
export function correctness(predicted: ArrayLike<number>, labels: ArrayLike<number>): boolean[] {
  check(
    predicted.length === labels.length,
    'bad_argument',
    () => `${predicted.length} predictions for ${labels.length} labels; pass one prediction per test image`,
  );
  return Array.from(predicted, (p, i) => p === labels[i]);
}
