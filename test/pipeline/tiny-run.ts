import { join } from 'node:path';
import type { ReproduceOptions } from '../../src/pipeline/reproduce.js';

/**
 * The smallest `tgr reproduce` the pipeline tests run: the quick preset on synthetic data, one epoch, 4 faults per
 * layer on 32 test images, one thread, quiet, into `out` (its cache inside it). `lines` collects the stage log;
 * `more` overrides or adds options.
 */
export function tinyRun(out: string, lines: string[], more: Partial<ReproduceOptions> = {}): ReproduceOptions {
  return {
    preset: 'quick',
    dataset: 'synthetic',
    epochs: 1,
    perLayer: 4,
    limitTest: 32,
    camImages: 0,
    out,
    cacheDir: join(out, 'cache'),
    threads: 1,
    quiet: true,
    log: (l) => lines.push(l),
    ...more,
  };
}

/** tinyRun's options as `tgr reproduce` flags, for a run in a child process. */
export function tinyRunFlags(out: string): string[] {
  return [
    ...['--dataset', 'synthetic', '--epochs', '1', '--per-layer', '4', '--limit-test', '32', '--cam-images', '0'],
    ...['--threads', '1', '--quiet', '--out', out, '--cache-dir', join(out, 'cache')],
  ];
}

/** The stages the log says ran (not skipped). */
export function stagesRun(lines: readonly string[]): string[] {
  return lines.filter((l) => l.endsWith(': running'));
}
