import type { AnalysisFile } from '../run-folder/analysis.js';
import type { Analysis } from './analyse.js';

/*
 * analysis.json's schema (run-folder/analysis.ts) and `Analysis` are one shape, checked both ways here: a field that
 * one side has and the other lacks, or types that differ anywhere inside, fail type-checking on these two lines. A
 * field optional on both sides is caught at run time instead: the schema would drop it, and the write/read round
 * trips of a real analysis (test/pipeline/reproduce.test.ts, test/run-folder/analysis.test.ts) compare everything.
 */

/** An analysis as analysis.json holds it (no conversion: the same shape). */
export const toAnalysisFile = (a: Analysis): AnalysisFile => a;

/** An analysis read from analysis.json (no conversion: the same shape). */
export const fromAnalysisFile = (f: AnalysisFile): Analysis => f;
