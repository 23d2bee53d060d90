import type { Analysis, AnalyseRequest } from '../analysis/analyse.js';
import { defaultRawFitPerMbit } from '../analysis/stats/fit.js';
import { check } from '../core/errors.js';
import { maxSeed, type DeclaresOptions, type OptionSpecs } from '../core/option-spec.js';
import { camFigureHtml } from './cam-figure.js';
import { esc } from './escape.js';
import { bitFigures, fitFigure, layerFigure, rangeFigure, sweepFigure } from './figures.js';
import { formatsFigureIds, formatsHtml, formatsTables } from './formats-table.js';
import { guardTable } from './guard-table.js';
import type { Table } from './table.js';
import {
  ablationTableOf,
  bitsTable,
  fitTable,
  layersTable,
  modelsTable,
  rangesTable,
  reliabilityTable,
  settingsTable,
  significanceTable,
  smallValuesTable,
  sweepTable,
} from './tables.js';
import { layerRatesTable, verdictTable } from './verdict-tables.js';

/**
 * The sections of a comparison, in page order: what each shows, what it reads from the analysis, and the options
 * that shape it (the CLI builds `tgr compare`/`tgr report` flags from them). Adding a section is one entry here.
 */
export interface ReportSection {
  id: string;
  /** Its heading on the page; null: no heading of its own. */
  title: string | null;
  /**
   * The Analysis fields it reads. When one is absent (an analysis.json from a tgr before the section), the section
   * shows a note saying so instead of its tables and figures.
   */
  needs: readonly (keyof Analysis)[];
  /** Its tables lead the page, in the header above the summary (the verdict). */
  leads?: true;
  /** Its flags, one per request field they fill (typed by `section<O>`); the CLI builds them from here. */
  options?: DeclaresOptions['options'];
  /** Where the options' values go in the AnalyseRequest: under this field, or (absent) at its top level. */
  into?: 'cam' | 'bootstrap';
  tables(a: Analysis, sfx: string): Table[];
  /** Ids of its figures (with the suffix), which the page must hold. */
  figures(a: Analysis, sfx: string): string[];
  /** Its body; `table(id)` renders one of its tables by its full id (suffix included), '' when absent. */
  html(a: Analysis, sfx: string, table: (id: string) => string): string;
}

/** A section whose options are typed against the request fields `O` they fill (a number field takes a number kind…). */
function section<O>(s: Omit<ReportSection, 'options'> & { options?: OptionSpecs<O> }): ReportSection {
  return s as ReportSection;
}

type Cam = NonNullable<AnalyseRequest['cam']>;
type Bootstrap = NonNullable<AnalyseRequest['bootstrap']>;

const fold = (summary: string, body: string) => `<details><summary>${esc(summary)}</summary>${body}</details>`;
const none = () => [];

/** Parses `0-22`, `30,31` or `0-3,30` into the fp32 bit positions CAM weight flips may hit. */
export function parseBits(spec: string): number[] {
  const bits = spec.split(',').flatMap((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    check(m, 'bad_argument', () => `--cam-bits: '${part}' is not a bit or a range like 0-22`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  });
  check(
    bits.length > 0 && bits.every((b) => b < 32),
    'bad_argument',
    () => `--cam-bits: '${spec}' must name fp32 bits 0..31`,
  );
  return [...new Set(bits)].sort((x, y) => x - y);
}

/** The §7.3 statement as checked: every bit but 30 keeps |x| < 2 (bit 31 only flips the sign). */
function smallValuesSentence(a: Analysis): string {
  const { bound, bits } = a.smallValues;
  const safe = bits.filter((o) => o.stayedBelow === o.tested).map((o) => o.bit);
  const unsafe = bits.filter((o) => o.stayedBelow < o.tested).map((o) => o.bit);
  const which = unsafe.length === 1 ? `any bit but ${unsafe[0]}` : `bits ${safe.join(', ')}`;
  const others = unsafe.length > 1 ? `; bits ${unsafe.join(', ')} did not` : '';
  return (
    `For fp32 values with |x| < ${bound}, a flip of ${which} kept |x| < ${bound} in every tested value${others}. ` +
    'The paper (§7.3) excludes bits 30 and 31; bit 31 only changes the sign.'
  );
}

/** Every section of a comparison, in page order. */
export const reportSections: readonly ReportSection[] = [
  section<Pick<AnalyseRequest, 'tau'>>({
    id: 'verdict',
    title: null,
    needs: ['verdict', 'comparison'],
    leads: true,
    options: {
      tau: {
        flag: 'tau',
        arg: 'list',
        value: { kind: 'list', item: 'number', min: 0, example: '0.1,1,10' },
        help: 'critical-fault thresholds τ, P(ΔLoss > τ), comma-separated (default 0.1,1,10)',
      },
    },
    tables: (a, s) => [verdictTable(a, s)],
    figures: none,
    html: (a) => `<p class="verdict ${esc(a.verdict.reproduced)}">${esc(a.verdict.sentence)}</p>`,
  }),
  section({
    id: 'settings',
    title: null,
    needs: ['settings'],
    tables: (a, s) => [settingsTable(a, s)],
    figures: none,
    html: (_a, s, t) => t(`tbl-settings${s}`),
  }),
  section({
    id: 'reliability',
    title: 'Accuracy and reliability (paper §6)',
    needs: ['comparison'],
    tables: (a, s) => [modelsTable(a, s), reliabilityTable(a, s), layersTable(a, s), layerRatesTable(a, s)],
    figures: (_a, s) => [`fig-delta-layers${s}`, `fig-mismatch-layers${s}`],
    html: (a, s, t) =>
      `${t(`tbl-models${s}`)}${t(`tbl-reliability${s}`)}
${layerFigure(a, s, 'deltaLoss')}${layerFigure(a, s, 'mismatchRate')}
${fold('Per-layer numbers', t(`tbl-layers${s}`))}
${fold('Per-layer rates with exact intervals', t(`tbl-layer-rates${s}`))}`,
  }),
  section({
    id: 'guard',
    title: 'Score guard (certified for text-guided heads)',
    needs: ['guard'],
    tables: (a, s) => [guardTable(a, s)],
    figures: none,
    html: (_a, s, t) => t(`tbl-guard${s}`),
  }),
  section({
    id: 'formats',
    title: 'Number formats',
    needs: ['comparison', 'formats'],
    tables: formatsTables,
    figures: formatsFigureIds,
    html: formatsHtml,
  }),
  section<Bootstrap>({
    id: 'significance',
    title: 'Is the accuracy difference significant? (paper §7.4)',
    needs: ['significance'],
    options: {
      resamples: {
        flag: 'bootstrap',
        arg: 'n',
        value: { kind: 'integer', min: 1, max: 1_000_000 },
        help: 'paired bootstrap resamples',
        default: 2000,
      },
      seed: {
        flag: 'bootstrap-seed',
        arg: 'n',
        value: { kind: 'integer', min: 0, max: maxSeed },
        help: 'seed of the bootstrap',
        default: 0,
      },
    },
    into: 'bootstrap',
    tables: (a, s) => [significanceTable(a, s), sweepTable(a, s)],
    figures: (_a, s) => [`fig-top2diff-sweep${s}`],
    html: (a, s, t) => `${t(`tbl-significance${s}`)}${sweepFigure(a, s)}${fold('Sweep numbers', t(`tbl-sweep${s}`))}`,
  }),
  section({
    id: 'ranges',
    title: 'Value ranges (paper §7.3, Fig. 3)',
    needs: ['valueRanges'],
    tables: (a, s) => [rangesTable(a, s)],
    figures: (_a, s) => [`fig-ranges-max${s}`, `fig-ranges-mean${s}`],
    html: (a, s, t) =>
      `${rangeFigure(a, s, 'maxAbs')}${rangeFigure(a, s, 'meanAbs')}${fold('Range numbers', t(`tbl-ranges${s}`))}`,
  }),
  section({
    id: 'bits',
    title: 'Which bits hurt (paper §7.3)',
    needs: ['comparison', 'smallValues'],
    tables: (a, s) => [smallValuesTable(a, s), bitsTable(a, s)],
    figures: (_a, s) => [`fig-bits-baseline${s}`, `fig-bits-text-guided${s}`],
    html: (a, s, t) =>
      `${bitFigures(a, s)}
<p>${esc(smallValuesSentence(a))}</p>
${fold('Bit flips of small fp32 values', t(`tbl-small-values${s}`))}`,
  }),
  section<Pick<AnalyseRequest, 'rawFitPerMbit'>>({
    id: 'fit',
    title: 'From mismatch rate to FIT',
    needs: ['fit'],
    options: {
      rawFitPerMbit: {
        flag: 'raw-fit',
        arg: 'fit',
        value: { kind: 'number', min: 0, max: 1e9, above: true },
        help: 'raw upset rate in FIT/Mbit for SDC FIT estimates',
        default: defaultRawFitPerMbit,
      },
    },
    tables: (a, s) => [fitTable(a, s)],
    figures: (_a, s) => [`fig-fit${s}`],
    html: (a, s, t) => `${fitFigure(a, s)}${t(`tbl-fit${s}`)}`,
  }),
  section({
    id: 'ablation',
    title: 'Projection initialisation (paper Table 3)',
    needs: ['ablation'],
    tables: (a, s) => {
      const t = ablationTableOf(a, s);
      return t ? [t] : [];
    },
    figures: none,
    html: (a, s, t) =>
      a.ablation
        ? t(`tbl-ablation${s}`)
        : '<p class="empty">Not run: pass random/template initialised runs (tgr reproduce --preset full does).</p>',
  }),
  section<Cam>({
    id: 'cam',
    title: 'Ablation-CAM (paper §7.2, Fig. 2)',
    needs: ['cam'],
    options: {
      count: {
        flag: 'cam-images',
        arg: 'n',
        value: { kind: 'integer', min: 0, max: 10_000 },
        help: 'images for Ablation-CAM (Fig. 2); 0 skips it',
        default: 3,
      },
      flips: {
        flag: 'cam-flips',
        arg: 'n',
        value: { kind: 'integer', min: 0, max: 10_000_000 },
        help: 'random weight bit flips for Ablation-CAM',
        default: 2000,
      },
      bits: {
        flag: 'cam-bits',
        arg: 'list',
        value: { kind: 'spec', parse: parseBits },
        help: 'fp32 bits the weight flips may hit, e.g. 0-22 or 0,5,30 (default all 0-31)',
      },
      seed: {
        flag: 'cam-seed',
        arg: 'n',
        value: { kind: 'integer', min: 0, max: maxSeed },
        help: 'seed of the weight flips',
        default: 0,
      },
      measure: {
        flag: 'cam-measure',
        arg: 'n',
        value: { kind: 'integer', min: 1, max: 100_000 },
        help: 'images the CAM before/after similarity is measured over (the first both models get right)',
        default: 50,
      },
      bound: {
        flag: 'cam-bound',
        arg: 'x',
        value: { kind: 'number', min: 1, max: 1e30 },
        help: "weight flips are kept when the flipped weight is finite and within x × its tensor's largest |w|",
        default: 65536,
      },
      dataDir: {
        flag: 'data-dir',
        arg: 'dir',
        value: { kind: 'folder' },
        help: 'dataset folder, as given to tgr train (for the CAM images)',
      },
    },
    into: 'cam',
    tables: none,
    figures: (_a, s) => [`fig-cam${s}`],
    html: camFigureHtml,
  }),
];

/** Whether the analysis carries every field the section reads (an older analysis.json may not). */
export function sectionPresent(s: ReportSection, a: Analysis): boolean {
  return s.needs.every((k) => a[k] !== undefined);
}

/** What the page shows instead of a section the analysis.json predates. */
export function missingNote(s: ReportSection, a: Analysis): string {
  const missing = s.needs.filter((k) => a[k] === undefined);
  return `<p class="empty">${esc(
    `This analysis.json has no ${missing.join(', ')} (written by an older tgr): run tgr report on the run folders again to see this section.`,
  )}</p>`;
}
