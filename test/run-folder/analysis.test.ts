import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneAnalysisSchema } from '../../src/run-folder/analysis.js';
import { readRunFile, writeRunFile } from '../../src/run-folder/run-file.js';
import { analysis } from './samples.js';

test('analysis schema: the sections a report renders, the others kept; analysisVersion 2 of older files accepted', () => {
  const withExtra = { ...analysis, formats: null, analysisVersion: 2 };
  assert.deepEqual(oneAnalysisSchema.parse(withExtra), withExtra);
  const issue = (v: unknown) => oneAnalysisSchema.safeParse(v).error?.issues[0];
  assert.equal(issue({ ...analysis, analysisVersion: 1 })?.message, 'Invalid input: expected 2');
  const { verdict: _, ...noVerdict } = analysis;
  assert.deepEqual(issue(noVerdict)?.path, ['verdict']);
});

test('analysis.json keeps ±∞ and NaN through a write and a read (plain JSON would make them null)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-analysis-'));
  const path = join(dir, 'analysis.json');
  const ratios = { ratio: Infinity, lower: -Infinity, upper: NaN, plain: 2.5, look: { $number: 'five' } };
  writeRunFile('analysis', path, { ...analysis, verdict: { ...analysis.verdict, ratios } });
  const text = readFileSync(path, 'utf8');
  assert.match(text, /"ratio": \{\s*"\$number": "Infinity"\s*\}/);
  assert.match(text, /"upper": \{\s*"\$number": "NaN"\s*\}/);
  const back = readRunFile('analysis', path) as typeof analysis;
  assert.deepEqual(back.verdict.ratios, ratios);
});
