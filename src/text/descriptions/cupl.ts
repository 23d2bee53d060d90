import { readFileSync } from 'node:fs';
import { TgrError, check } from '../../core/errors.js';
import { checkDescriptions } from './check.js';
import type { DescriptionSource } from './types.js';

export interface CuplOptions {
  /** A CuPL-format JSON file: {"class": ["sentence", …]}. */
  file?: string;
}

/** `cupl`: descriptions from a CuPL JSON file, checked against the dataset's class names. */
export const cupl: DescriptionSource<CuplOptions> = {
  name: 'cupl',
  summary: 'read a CuPL-format JSON file {"class": ["sentence", …]} (--cupl FILE), checked against the class names',
  options: {
    file: {
      flag: 'cupl',
      arg: 'file',
      value: { kind: 'file' },
      help: 'a CuPL-format JSON file {"class": ["sentence", …]}',
    },
  },
  async describe(classNames, options, ctx) {
    const file = options.file;
    check(
      file,
      'bad_argument',
      () => 'source cupl needs --cupl FILE.json (a CuPL-format {"class": ["sentence", …]} file)',
    );
    const raw = readCuplFile(file);
    const result = checkDescriptions(raw, classNames, file);
    const warn = ctx.warn ?? ((l: string) => process.stderr.write(l + '\n'));
    const loose = Object.entries(result.loose);
    if (loose.length)
      warn(`${file}: matched ${loose.length} classes loosely (${loose.map(([k, c]) => `'${k}'→'${c}'`).join(', ')})`);
    if (result.extra.length)
      warn(`${file}: ignoring ${result.extra.length} classes the dataset lacks (${result.extra.join(', ')})`);
    return result.descriptions;
  },
};

/** Parses a CuPL-format JSON file (checked later against the class names); a missing or broken file is one line. */
export function readCuplFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TgrError(
      'bad_file',
      `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}; pass a CuPL-format JSON file`,
    );
  }
}
