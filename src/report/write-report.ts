import { join } from 'node:path';
import type { Analysis } from '../analysis/analyse.js';
import { check } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readRunFile, writeRunFile } from '../run-folder/run-file.js';
import { safeId } from './escape.js';
import { renderReport, reportTables } from './page.js';
import { tableCsv } from './table.js';
import { runFolderFiles } from '../run-folder/file-names.js';

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
  const analysisJson = join(outDir, runFolderFiles.analysis);
  writeRunFile('analysis', analysisJson, list.length === 1 ? list[0]! : [...list]);
  const dir = join(outDir, runFolderFiles.reportFolder);
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
  const html = join(dir, runFolderFiles.reportPage);
  writeFileAtomic(html, renderReport(list));
  return { analysisJson, html, csv, png };
}

/** Reads analysis.json back (one analysis or several) so a report can be re-rendered without re-analysing. */
export function readAnalysis(path: string): Analysis[] {
  const v = readRunFile('analysis', path);
  return Array.isArray(v) ? v : [v];
}
