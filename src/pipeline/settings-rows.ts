import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { ReproducePreset } from './presets.js';
import { fileDigest } from './stage.js';

/** One line of the report's Settings table. */
export interface SettingRow {
  setting: string;
  value: string;
}

/**
 * A path as the report shows it: relative to the run folder when inside it, else the file name alone. A report is
 * shared; a local absolute path says nothing to its reader and tells them about the author's disk.
 */
export function shownPath(runFolder: string, path: string): string {
  const rel = relative(resolve(runFolder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(path);
}

const shownFile = (out: string, path: string) => `${shownPath(out, path)} (sha256 ${fileDigest(path).slice(0, 12)})`;

/** What `tgr reproduce` was asked, flag by flag, for the report's Settings table. */
export function reproduceSettingRows(presetName: string, p: ReproducePreset, out: string): SettingRow[] {
  const rows: [string, string | undefined | false][] = [
    ['Preset (--preset)', presetName],
    ['Dataset / backbone (--dataset, --backbone)', `${p.dataset} / ${p.backbone}`],
    [
      'Training (recipe, --epochs, --limit-train, --limit-test, --seed)',
      `${p.recipe}, ${p.epochs === undefined ? "the recipe's epochs" : p.epochs === 1 ? '1 epoch' : `${p.epochs} epochs`}, ${p.limitTrain ?? 'all'} training images, ${p.limitTest ?? 'all'} test images, seed ${p.seed}`,
    ],
    [
      'Projection from (--class-embeddings)',
      p.classEmbeddings
        ? shownFile(out, p.classEmbeddings) +
          (p.classRows ? `, rows ${p.classRows.join(', ')}` : ', rows matched by class name') +
          (p.classNames ? `, row names from ${shownFile(out, p.classNames)}` : '')
        : 'descriptions + text encoder (below)',
    ],
    [
      'Description source (--source, --descriptions)',
      !p.classEmbeddings && (p.descriptionsFile ? `cupl: ${shownFile(out, p.descriptionsFile)}` : p.source),
    ],
    ['Text encoder (--encoder)', !p.classEmbeddings && p.encoder],
    ['Number formats (--formats)', p.formats.join(', ')],
    [
      'Injections per layer (--per-layer, --stratify)',
      `${p.perLayer}, ${p.stratify === 'bit' ? 'stratified by bit position' : 'uniform over bits'}`,
    ],
    [
      'Range detector (--range-detector)',
      { off: 'off (campaigns F)', on: 'on (campaigns F-rd)', both: 'off and on (campaigns F and F-rd)' }[
        p.rangeDetector
      ],
    ],
    [
      'Guard (--guard)',
      p.guard
        ? 'on (campaigns F-guard: analytic on the text-guided head, profiled logit range on the baseline)'
        : 'off',
    ],
    ['Critical-fault thresholds τ (--tau)', p.tau.join(', ')],
    [
      'Projection ablation (Table 3)',
      !p.ablation
        ? 'not run'
        : p.classEmbeddings
          ? 'precomputed rows, random (no template row: the matrix has no template counterpart in its space)'
          : 'descriptions, template, random',
    ],
  ];
  return rows.flatMap(([setting, value]) => (value ? [{ setting, value }] : []));
}
