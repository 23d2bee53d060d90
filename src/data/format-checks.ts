/** Checks shared by the binary formats, so every format words a bad file the same way. */
import { TgrError } from '../core/errors.js';

/** Throws unless every label is in 0..numClasses-1, naming the file and the first offending record. */
export function checkLabels(labels: ArrayLike<number>, numClasses: number, file: string, base = 0): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= numClasses || !Number.isInteger(l)) {
      throw new TgrError(
        'bad_file',
        `${file}: label ${l + base} at record ${i} is out of range ${base}..${numClasses - 1 + base}; the file is corrupt or of another dataset`,
        { file, record: i, label: l + base },
      );
    }
  }
}

/** Throws unless a record file holds a whole number of records (and, when given, exactly `count` of them). */
export function checkRecordBytes(bytes: number, recordBytes: number, file: string, count?: number): number {
  const n = Math.floor(bytes / recordBytes);
  if (bytes % recordBytes !== 0 || n === 0 || (count !== undefined && n !== count)) {
    const want =
      count !== undefined
        ? `${count} records of ${recordBytes} bytes = ${count * recordBytes} bytes`
        : `a multiple of ${recordBytes} bytes`;
    throw new TgrError(
      'bad_file',
      `${file}: expected ${want}; found ${bytes} bytes — the file is truncated or not this format; re-download it`,
      {
        file,
        bytes,
      },
    );
  }
  return n;
}

/** Throws unless a split's image shape equals the one earlier splits had. */
export function checkSameShape(before: readonly number[] | undefined, now: readonly number[], file: string): void {
  if (before && before.join() !== now.join()) {
    throw new TgrError(
      'bad_file',
      `${file}: images are [${now.join(',')}] but the other split's are [${before.join(',')}]; both splits must come from one dataset`,
      { file },
    );
  }
}
