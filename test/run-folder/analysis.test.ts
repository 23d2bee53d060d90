import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyse } from '../../src/analysis/analyse.js';
import { oneAnalysisSchema } from '../../src/run-folder/analysis.js';
import { TgrError } from '../../src/core/errors.js';
import { readRunFile, writeRunFile } from '../../src/run-folder/run-file.js';
import { writeReport } from '../../src/report/write-report.js';
import { addTinyModels, syntheticPair } from '../analysis/fixtures.js';
import { analysis } from './samples.js';

function dir(t: { after: (f: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'tgr-analysis-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof TgrError, String(e));
    return e.message;
  }
  return assert.fail('no error');
};

test('analysis schema: every section; analysisVersion 2 of older files accepted, 1 refused, a missing section named', () => {
  assert.deepEqual(oneAnalysisSchema.parse({ ...analysis, analysisVersion: 2 }), { ...analysis, analysisVersion: 2 });
  const issue = (v: unknown) => oneAnalysisSchema.safeParse(v).error?.issues[0];
  assert.equal(issue({ ...analysis, analysisVersion: 1 })?.message, 'Invalid input: expected 2');
  const { verdict: _, ...noVerdict } = analysis;
  assert.deepEqual(issue(noVerdict)?.path, ['verdict']);
});

test('a real analysis.json (the sample) reads, writes and reads back the same, ±∞ and NaN kept as {"$number"}', (t) => {
  const path = join(dir(t), 'analysis.json');
  writeRunFile('analysis', path, analysis);
  const text = readFileSync(path, 'utf8');
  assert.equal(text, readFileSync(new URL('./analysis-sample.json', import.meta.url), 'utf8'));
  assert.deepEqual(readRunFile('analysis', path), analysis);
  // The sample's one-sided ratio: an upper bound of ∞, kept as a number.
  assert.equal(analysis.comparison.row.lastLayer!.upper, Infinity);
  assert.match(text, /"upper": \{\s*"\$number": "Infinity"\s*\}/);
  const nan = {
    ...analysis,
    comparison: { ...analysis.comparison, row: { ...analysis.comparison.row, top2diffChange: NaN } },
  };
  writeRunFile('analysis', path, nan);
  assert.ok(Number.isNaN((readRunFile('analysis', path) as typeof analysis).comparison.row.top2diffChange));
});

test('a corrupted nested field of analysis.json is one line naming its path and the command that re-creates it', (t) => {
  const path = join(dir(t), 'analysis.json');
  const raw = JSON.parse(readFileSync(new URL('./analysis-sample.json', import.meta.url), 'utf8'));
  raw.comparison.formats[0].baseline.layers[0].sdc.upper = 'high';
  writeFileSync(path, JSON.stringify(raw));
  assert.equal(
    message(() => readRunFile('analysis', path)),
    `${path}: not a valid analysis.json: comparison.formats[0].baseline.layers[0].sdc.upper: Invalid input: expected number, received string — re-create it with 'tgr compare'`,
  );
  raw.comparison.formats[0].baseline.layers[0].sdc.upper = 1;
  raw.cam.images[0].panels[0].model = 'other';
  writeFileSync(path, JSON.stringify([raw, raw]));
  assert.equal(
    message(() => readRunFile('analysis', path)),
    `${path}: not a valid analysis.json: [0].cam.images[0].panels[0].model: Invalid option: expected one of "baseline"|"textGuided" — re-create it with 'tgr compare'`,
  );
});

test('the schema keeps everything analyse() writes: a report re-read from analysis.json holds every field', async (t) => {
  const root = dir(t);
  const pair = syntheticPair(join(root, 'runs'), { images: 8, perLayer: 32 });
  const images = addTinyModels(pair);
  const a = await analyse({
    ...pair,
    ablations: { random: pair.textGuided },
    cam: { images, flips: 20, seed: 1 },
    bootstrap: { resamples: 50, seed: 1 },
  });
  const files = writeReport(a, join(root, 'out'));
  const again = join(root, 'again.json');
  writeRunFile('analysis', again, readRunFile('analysis', files.analysisJson));
  // Order aside (the schema's), the file rewritten from what was read is the file analyse's value made.
  assert.deepEqual(JSON.parse(readFileSync(again, 'utf8')), JSON.parse(readFileSync(files.analysisJson, 'utf8')));
  assert.ok(a.cam && a.ablation && a.fit, 'every optional section present');
});
