import type { Analysis } from '../analysis/analyse.js';
import { guardQuantiles } from '../faults/metrics/guard-summary.js';
import type { Table } from './table.js';

const modelName = { baseline: 'baseline', textGuided: 'text-guided' } as const;
const pLabel = (p: number) => `p${Number((p * 100).toPrecision(6))}`;

/** The score guard: per guarded campaign, the proven ΔLoss bound beside the ΔLoss measured under it. */
export function guardTable(a: Analysis, sfx: string): Table {
  const rows = a.guard ?? [];
  return {
    id: `tbl-guard${sfx}`,
    caption:
      'Score guard: the proven bound on ΔLoss for any undetected single fault, and the ΔLoss measured on the undetected injections',
    columns: [
      { header: 'Campaign', kind: 'text' },
      { header: 'Model', kind: 'text' },
      { header: 'Guard', kind: 'text' },
      { header: 'Proven ΔLoss bound', kind: 'num' },
      { header: 'Detected (DUE)', kind: 'pct' },
      { header: 'Undetected n', kind: 'int' },
      { header: 'Mean ΔLoss', kind: 'num' },
      ...guardQuantiles.map((p) => ({ header: `${pLabel(p)} ΔLoss`, kind: 'num' as const })),
      { header: 'Max ΔLoss', kind: 'num' },
      { header: 'Max within bound', kind: 'text' },
    ],
    rows: rows.map(({ campaign, model, guard: g }) => [
      campaign,
      modelName[model],
      g.kind === 'analytic' ? 'analytic (exp(s)·‖P_c‖, from the weights)' : 'profiled (golden max |logit|)',
      g.provenDeltaLoss,
      g.injections ? g.detected / g.injections : null,
      g.deltaLoss.n,
      g.deltaLoss.mean,
      ...g.deltaLoss.quantiles.map((q) => q.value),
      g.deltaLoss.max,
      g.deltaLoss.n === 0 ? 'n/a' : g.deltaLoss.max <= g.provenDeltaLoss ? 'yes' : 'NO',
    ]),
    note: rows.length
      ? 'A logit beyond its class bound, or NaN, is detected: the inference is discarded and re-executed, so the fault counts as a DUE and is left out of SDC and ΔLoss. Undetected, every logit lies in [−B_c, B_c], which bounds the cross-entropy, so no single fault anywhere before the check — any layer, weight or bit — changes an image’s loss by more than the proven bound (the largest over the injection pool).'
      : 'No campaign ran with --guard (tgr inject --guard analytic for a text-guided head, --guard profiled for any model).',
  };
}
