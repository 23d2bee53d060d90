import { z } from 'zod';

/**
 * analysis.json: everything a report shows (analysis/analyse.ts makes it, report/write-report.ts writes and re-reads
 * it). The schema checks the sections a report renders are there; their insides are analysis/'s own types (the
 * comparison, verdict and figures change with the analyses, and a report re-renders only what this tgr wrote).
 */

const section = z.record(z.string(), z.unknown());

/** One analysis: the sections the report renders (the file holds one, or a list for several model pairs). */
export const oneAnalysisSchema = z.looseObject({
  /** Analyses written before the run-file header carried their own shape version; only 2 is still readable. */
  analysisVersion: z.literal(2).optional(),
  comparison: section,
  verdict: section,
  significance: section,
  valueRanges: section,
  fit: section.nullable(),
  ablation: section.nullable(),
  cam: section.nullable(),
  guard: z.array(section).optional(),
  smallValues: section,
  settings: section,
});

/** One analysis as far as its schema knows (analysis/analyse.ts Analysis is the full type). */
export type AnalysisFile = z.infer<typeof oneAnalysisSchema>;
