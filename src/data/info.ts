/** The text `tgr data info` prints: source, shape, normalisation, and image counts per split and per class. */
import type { Dataset, SplitName } from './dataset.js';
import { classCounts, splitNames } from './dataset.js';

/** Describes a dataset as aligned plain-text lines. */
export function describeDataset(ds: Dataset): string {
  const present = splitNames.filter((s): s is SplitName => ds.splits[s] !== undefined);
  const counts = present.map((s) => classCounts(ds.splits[s]!.labels, ds.classNames.length));
  const fmt = (v: number[]) => `[${v.map((x) => x.toFixed(4)).join(', ')}]`;
  const lines = [
    `dataset  ${ds.name}`,
    `source   ${ds.source}`,
    `shape    [${ds.shape.join(', ')}] (C, H, W)`,
    `classes  ${ds.classNames.length}`,
    `mean     ${fmt(ds.stats.mean)}`,
    `std      ${fmt(ds.stats.std)}`,
    `images   ${present.map((s) => `${s} ${ds.splits[s]!.size}`).join(', ')}`,
    ...(ds.coarse ? [`coarse   ${ds.coarse.classNames.length} superclasses: ${ds.coarse.classNames.join(', ')}`] : []),
    '',
  ];
  const nameWidth = Math.max(5, ...ds.classNames.map((n) => n.length));
  const idWidth = String(ds.classNames.length - 1).length;
  lines.push(`${'#'.padStart(idWidth)}  ${'class'.padEnd(nameWidth)}  ${present.map((s) => s.padStart(7)).join('')}`);
  ds.classNames.forEach((name, c) => {
    lines.push(
      `${String(c).padStart(idWidth)}  ${name.padEnd(nameWidth)}  ${counts.map((k) => String(k[c]).padStart(7)).join('')}`,
    );
  });
  return lines.join('\n');
}
