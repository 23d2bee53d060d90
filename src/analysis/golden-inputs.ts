import { describeLabelMap } from '../data/label-map.js';
import type { RunDir } from './run-dir.js';

/** How one model's golden run got its images: describeFit's line and the label mapping, null where none was made. */
export interface GoldenInputs {
  fit: string | null;
  labels: string | null;
}

/** Both models' golden-run image fit and label mapping, for the report's Settings table (issue 18). */
export function goldenInputs(baseline: RunDir, textGuided: RunDir): Record<'baseline' | 'textGuided', GoldenInputs> {
  const of = ({ golden: { dataset: d } }: RunDir): GoldenInputs => ({
    fit: d.fit ?? null,
    labels: d.labelMap ? describeLabelMap(d.labelMap) : null,
  });
  return { baseline: of(baseline), textGuided: of(textGuided) };
}
