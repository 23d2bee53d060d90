import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneAnalysisSchema } from '../../src/run-folder/analysis.js';
import { analysis } from './samples.js';

test('analysis schema: the sections a report renders, the others kept; analysisVersion 2 of older files accepted', () => {
  const withExtra = { ...analysis, formats: null, analysisVersion: 2 };
  assert.deepEqual(oneAnalysisSchema.parse(withExtra), withExtra);
  const issue = (v: unknown) => oneAnalysisSchema.safeParse(v).error?.issues[0];
  assert.equal(issue({ ...analysis, analysisVersion: 1 })?.message, 'Invalid input: expected 2');
  const { verdict: _, ...noVerdict } = analysis;
  assert.deepEqual(issue(noVerdict)?.path, ['verdict']);
});
