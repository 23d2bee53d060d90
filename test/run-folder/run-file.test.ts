import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import {
  readRunFile,
  runFileVersion,
  runFiles,
  writeRunFile,
  type RunFileKind,
  type RunFileValue,
} from '../../src/run-folder/run-file.js';
import * as samples from './samples.js';

const dir = () => mkdtempSync(join(tmpdir(), 'tgr-run-file-'));
const values: { [K in RunFileKind]: RunFileValue<K> } = samples;
const kinds = Object.keys(runFiles) as RunFileKind[];

/** The message of the TgrError('bad_file') `fn` throws. */
function badFile(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TgrError && e.code === 'bad_file', String(e));
    return e.message;
  }
  return assert.fail('no error thrown');
}

/** Writes `value` as plain JSON (no header), as tgr wrote every run file before the header. */
function writeOld(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

test('every kind round-trips through its writer and reader, header first, number arrays on one line', () => {
  const d = dir();
  for (const kind of kinds) {
    const path = join(d, runFiles[kind].file);
    writeRunFile(kind, path, values[kind] as never); // one kind at a time; the loop's union is not one kind's value
    assert.deepEqual(readRunFile(kind, path), values[kind], kind);
    const text = readFileSync(path, 'utf8');
    assert.ok(
      text.startsWith(`{\n  "tgrFile": {\n    "kind": "${kind}",\n    "version": ${runFileVersion}\n  },\n`),
      kind,
    );
  }
  assert.ok(readFileSync(join(d, 'golden.json'), 'utf8').includes('  "indices": [0,5,9],\n'));
});

test('analysis.json holds one analysis or a list, each entry with its own header', () => {
  const path = join(dir(), 'analysis.json');
  const two = [samples.analysis, { ...samples.analysis, fit: null }];
  writeRunFile('analysis', path, two);
  assert.deepEqual(readRunFile('analysis', path), two);
  const text = JSON.parse(readFileSync(path, 'utf8')) as { tgrFile: unknown }[];
  assert.deepEqual(
    text.map((a) => a.tgrFile),
    [
      { kind: 'analysis', version: 1 },
      { kind: 'analysis', version: 1 },
    ],
  );
  writeOld(path, []);
  assert.equal(
    badFile(() => readRunFile('analysis', path)),
    `${path}: an empty list; expected one analysis.json entry or more — re-create it with 'tgr compare'`,
  );
});

test('files written before the header are read when their shape is valid', () => {
  const d = dir();
  for (const kind of kinds.filter((k) => k !== 'analysis')) {
    const path = join(d, runFiles[kind].file);
    writeOld(path, values[kind]);
    assert.deepEqual(readRunFile(kind, path), values[kind], kind);
  }
  // analysis.json: plain JSON wrote ±∞ as null, which no number field accepts: the file names the first one.
  const path = join(d, 'analysis.json');
  writeOld(path, samples.analysis);
  assert.equal(
    badFile(() => readRunFile('analysis', path)),
    `${path}: not a valid analysis.json: comparison.formats[0].baseline.bits[0].deltaLossCi: Invalid input: expected number, received null — re-create it with 'tgr compare'`,
  );
});

test('a file of another run-file version is refused, naming both versions and the command that re-creates it', () => {
  const path = join(dir(), 'golden.json');
  writeOld(path, { tgrFile: { kind: 'golden', version: runFileVersion + 1 }, ...samples.golden });
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    `${path}: golden.json of run-file version 2; this tgr reads version 1 — re-create it with 'tgr inject' (it runs the golden pass first)`,
  );
});

test('a file of another kind is named for what it is, with or without a header', () => {
  const d = dir();
  const path = join(d, 'golden.json');
  const want = `${path}: a plan.json, not a golden.json — pass a golden.json, or create one with 'tgr inject' (it runs the golden pass first)`;
  writeRunFile('plan', path, samples.plan);
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    want,
  );
  writeOld(path, samples.plan);
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    want,
  );
  const a = join(d, 'analysis.json');
  writeRunFile('summary', a, samples.summary);
  assert.equal(
    badFile(() => readRunFile('analysis', a)),
    `${a}: a summary.json, not an analysis.json — pass an analysis.json, or create one with 'tgr compare'`,
  );
  writeOld(path, { tgrFile: { kind: 'constructor', version: 1 }, ...samples.golden });
  assert.match(
    badFile(() => readRunFile('golden', path)),
    /golden\.json: tgrFile is \{"kind":"constructor","version":1\}; not a tgr run file — /,
  );
  writeOld(path, { tgrFile: { kind: 'checkpoint', version: 1 }, ...samples.golden });
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    `${path}: tgrFile is {"kind":"checkpoint","version":1}; not a tgr run file — re-create it with 'tgr inject' (it runs the golden pass first)`,
  );
});

test('a schema failure names the field path and zod says what was expected', () => {
  const d = dir();
  const path = join(d, 'golden.json');
  const layers = [samples.golden.layers[0]!, { ...samples.golden.layers[1]!, maxAbs: 'big' }];
  writeOld(path, { ...samples.golden, layers });
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    `${path}: not a valid golden.json: layers[1].maxAbs: Invalid input: expected number, received string — re-create it with 'tgr inject' (it runs the golden pass first)`,
  );
  writeOld(path, { ...samples.golden, losses: [0.25] });
  assert.equal(
    badFile(() => readRunFile('golden', path)),
    `${path}: not a valid golden.json: losses: 1 entries, but indices has 3 — re-create it with 'tgr inject' (it runs the golden pass first)`,
  );
  const s = join(d, 'summary.json');
  writeRunFile('summary', s, { ...samples.summary, target: 'bias' } as unknown as typeof samples.summary);
  assert.equal(
    badFile(() => readRunFile('summary', s)),
    `${s}: not a valid summary.json: target: Invalid option: expected one of "neurons"|"weights" — re-create it with 'tgr inject' (or 'tgr merge' after shards)`,
  );
  writeRunFile('analysis', join(d, 'analysis.json'), [samples.analysis, { ...samples.analysis, verdict: 3 }] as never);
  assert.match(
    badFile(() => readRunFile('analysis', join(d, 'analysis.json'))),
    /: not a valid analysis\.json: \[1\]\.verdict: Invalid input: expected object, received number — /,
  );
});

test('a missing file says what makes it; a file that is not JSON says what re-creates it', () => {
  const d = dir();
  const path = join(d, 'meta.json');
  assert.equal(
    badFile(() => readRunFile('meta', path)),
    `${path}: no such file — create it with 'tgr train'`,
  );
  writeFileSync(path, '{"dataset": ');
  assert.match(
    badFile(() => readRunFile('meta', path)),
    /meta\.json: not valid JSON \(.*\) — re-create it with 'tgr train'$/,
  );
  writeFileSync(path, '[1, 2]');
  assert.equal(
    badFile(() => readRunFile('meta', path)),
    `${path}: not a meta.json object (found a list) — re-create it with 'tgr train'`,
  );
});
