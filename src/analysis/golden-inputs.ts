import { describeLabelMap } from '../data/label-map.js';
import type { RunDir } from './run-dir.js';
import type { GoldenInputs } from '../run-folder/analysis.js';

export type { GoldenInputs } from '../run-folder/analysis.js';

/** Both models' golden-run image fit and label mapping, for the report's Settings table (issue 18). */
export function goldenInputs(baseline: RunDir, textGuided: RunDir): Record<'baseline' | 'textGuided', GoldenInputs> {
  const of = ({ golden: { dataset: d } }: RunDir): GoldenInputs => ({
    fit: d.fit ?? null,
    labels: d.labelMap ? describeLabelMap(d.labelMap) : null,
  });
  return { baseline: of(baseline), textGuided: of(textGuided) };
}
