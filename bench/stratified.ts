/**
 * What bit stratification buys: on the models a `tgr reproduce` left (runs/OUT/baseline, runs/OUT/text-guided), the
 * same n per layer is planned uniformly (the paper's) and stratified by bit (equal allocation, and Neyman from a
 * pilot), each campaign is run, and the tables give per layer the 99% interval half-width of the SDC rate and of the
 * critical rate P(ΔLoss > 1) each design reaches, from the product's own summaries — as reported (Korn–Graubard, whose
 * effective n is capped at the real n, so it cannot show a gain) and as the plug-in z·√(Σ W_h²·p̂_h(1−p̂_h)/n_h). The campaigns go to
 * OUT/bench-stratified/MODEL/ (golden.json copied from the run when it has one, so no second golden pass), not into the runs the report reads.
 *
 *   npx tsx bench/stratified.ts runs/h2-quick [--per-layer 256] [--pilot 128] [--threads 2]
 */
import './tuned.js';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { injectCampaign } from '../src/faults/campaign.js';
import { openImages, resolveRunTarget } from '../src/cli/run-target.js';
import type { StratumTally } from '../src/faults/metrics/metrics.js';
import type { CampaignSummary, GoldenRun, LayerStats } from '../src/faults/store/records.js';

const z99 = 2.576;

const out = process.argv[2];
if (!out || !existsSync(out))
  throw new Error('usage: npx tsx bench/stratified.ts runs/OUT [--per-layer 256] [--pilot 128]');
const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const perLayer = arg('per-layer', 256);
const pilot = arg('pilot', 128);
const threads = arg('threads', 2);

const designs = [
  { name: 'uniform', stratify: 'none' as const },
  { name: 'bit-equal', stratify: 'bit' as const },
  { name: 'bit-neyman', stratify: 'bit' as const, allocation: 'neyman' as const, pilot },
];

const half = (e: { lower: number; upper: number }) => (e.upper - e.lower) / 2;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '∞');

// Every model the run left (baseline, text-guided, ablation variants), in name order.
const models = readdirSync(out)
  .filter((m) => existsSync(join(out, m, 'model.onnx')))
  .sort();
for (const model of models) {
  const run = join(out, model);
  const benchDir = join(out, 'bench-stratified', model);
  mkdirSync(benchDir, { recursive: true });
  if (existsSync(join(run, 'golden.json'))) {
    const golden = JSON.parse(readFileSync(join(run, 'golden.json'), 'utf8')) as GoldenRun;
    for (const f of ['golden.json', ...(golden.activations ? [golden.activations.file] : [])])
      if (!existsSync(join(benchDir, f))) copyFileSync(join(run, f), join(benchDir, f));
  }
  const target = resolveRunTarget(run);
  const images = await openImages(target, {});
  const summaries: CampaignSummary[] = [];
  const seconds: number[] = [];
  try {
    for (const d of designs) {
      const t0 = Date.now();
      const r = await injectCampaign({
        model: target.model,
        images,
        runDir: benchDir,
        perLayer,
        seed: 0,
        threads,
        quiet: true,
        ...d,
      });
      seconds.push((Date.now() - t0) / 1000);
      summaries.push(r.summary!);
    }
  } finally {
    await images.close?.();
  }
  const rows = (s: CampaignSummary): LayerStats[] => [...s.layers, s.lastLayer, s.overall];
  const names = designs.map((d) => d.name).join(' / ');
  console.log(
    `\n### ${model}: ${perLayer} fp32 bit flips per layer (${names}; Neyman pilot ${pilot} sites per layer); seconds ${seconds.map((x) => x.toFixed(0)).join(' / ')}`,
  );
  const tau1 = summaries[0]!.tau.indexOf(1);
  const metrics = [
    { name: 'SDC rate', of: (l: LayerStats) => l.sdc, hits: (t: StratumTally) => t.sdc },
    {
      name: 'critical rate P(ΔLoss > 1)',
      of: (l: LayerStats) => l.critical[tau1]!,
      hits: (t: StratumTally) => t.critical[tau1]!,
    },
  ];
  for (const m of metrics) {
    console.log(`\n${m.name}: 99% half-width as reported (Korn–Graubard) | plug-in z·se, ${names}`);
    console.log('| layer | estimate (uniform) | reported | plug-in z·se |');
    console.log('|---|---|---|---|');
    rows(summaries[0]!).forEach((l, i) => {
      const at = summaries.map((s) => rows(s)[i]!);
      const plugIn = at.map((x) => z99 * Math.sqrt(x.strata.reduce((a, t) => a + stratumVariance(t, m.hits(t)), 0)));
      console.log(
        `| ${i === summaries[0]!.layers.length ? `last layer (${l.layer})` : l.layer} | ${fmt(m.of(l).value)} | ${at.map((x) => fmt(half(m.of(x)))).join(' / ')} | ${plugIn.map(fmt).join(' / ')} |`,
      );
    });
  }
}

/** W_h²·p̂_h(1−p̂_h)/n_h: one stratum's share of the stratified rate's variance, with no cap on the effective n. */
function stratumVariance(t: StratumTally, hits: number): number {
  if (t.n === 0) return NaN;
  const p = hits / t.n;
  return (t.weight * t.weight * p * (1 - p)) / t.n;
}
