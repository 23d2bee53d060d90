import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../analysis/analyse.js';
import { analysisFormatVersion } from '../analysis/analysis-version.js';
import { TgrError, check } from '../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import { safeId } from './escape.js';
import { renderReport, reportTables } from './page.js';
import { tableCsv } from './table.js';

/** What a report write produced. */
export interface ReportFiles {
  analysisJson: string;
  html: string;
  csv: string[];
  png: string[];
}

/**
 * The file name of one CAM overlay. analysis.json is a file a user can edit, so its model name and image index are
 * reduced to safe characters: `../../x` must not lead out of report/cam/.
 */
export function camPngName(analysis: number, image: unknown, model: string, faulty: boolean): string {
  const prefix = analysis ? `${analysis}-` : '';
  return `${prefix}image${safeId(String(image))}-${safeId(String(model))}-${faulty ? 'after' : 'before'}.png`;
}

/**
 * Writes `analysis.json`, `report/index.html`, `report/tables/*.csv` and the CAM overlays as `report/cam/*.png`
 * (the page embeds them too; the files are for slides and tickets). One analysis is written as an object, several
 * as an array.
 */
export function writeReport(analysis: Analysis | readonly Analysis[], outDir: string): ReportFiles {
  const list: readonly Analysis[] = Array.isArray(analysis) ? analysis : [analysis as Analysis];
  check(
    list.length > 0,
    'bad_argument',
    () => 'a report needs at least one analysis; pass a baseline and a text-guided run',
  );
  const analysisJson = join(outDir, 'analysis.json');
  writeJsonAtomic(analysisJson, list.length === 1 ? list[0] : list);
  const dir = join(outDir, 'report');
  const csv = reportTables(list).map(({ table }) => {
    const path = join(dir, 'tables', `${safeId(table.id.replace(/^tbl-/, ''))}.csv`);
    writeFileAtomic(path, tableCsv(table));
    return path;
  });
  const png: string[] = [];
  list.forEach((a, i) => {
    for (const img of a.cam?.images ?? []) {
      for (const p of img.panels) {
        const path = join(dir, 'cam', camPngName(i, img.index, p.model, p.faulty));
        writeFileAtomic(path, Buffer.from(p.png, 'base64'));
        png.push(path);
      }
    }
  });
  const html = join(dir, 'index.html');
  writeFileAtomic(html, renderReport(list));
  return { analysisJson, html, csv, png };
}

/** Reads analysis.json back (one analysis or several) so a report can be re-rendered without re-analysing. */
export function readAnalysis(path: string): Analysis[] {
  check(existsSync(path), 'bad_file', () => `${path} is missing; run 'tgr compare BASE_RUN TG_RUN' first`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TgrError(
      'bad_file',
      `${path}: not valid JSON (${e instanceof Error ? e.message : String(e)}); re-run 'tgr compare'`,
    );
  }
  const list = (Array.isArray(v) ? v : [v]) as Analysis[];
  check(
    list.every((a) => a && a.analysisVersion === analysisFormatVersion),
    'bad_file',
    () =>
      `${path}: not an analysis this tgr can read (analysisVersion ${(list[0] as { analysisVersion?: unknown } | undefined)?.analysisVersion ?? 'missing'}; expected ${analysisFormatVersion}); re-run 'tgr compare'`,
  );
  return list;
}
