import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyse } from '../../src/analysis/analyse.js';
import { camPngName, readAnalysis, writeReport } from '../../src/report/write-report.js';
import { renderReport, reportIds } from '../../src/report/page.js';
import { syntheticPair, tempDir } from '../analysis/fixtures.js';

test('report: every figure and table id present, self-contained, and the same when re-rendered from analysis.json', async (t) => {
  const root = tempDir('report');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pair = syntheticPair(root, { images: 30, perLayer: 64 });
  // A hostile run name must come out as text, never as markup.
  const evil = join(root, 'tg<img src=x onerror=alert(1)>');
  renameSync(pair.textGuided, evil);
  const a = await analyse({ baseline: pair.baseline, textGuided: evil, bootstrap: { resamples: 200 } });
  const files = writeReport(a, join(root, 'out'));
  const html = readFileSync(files.html, 'utf8');
  const ids = reportIds([a]);
  for (const id of [...ids.figures, ...ids.tables]) assert.ok(html.includes(` id="${id}"`), `missing ${id}`);
  assert.ok(!/<script|https?:\/\/|<link|@import/i.test(html), 'no scripts, no network references');
  assert.ok(html.includes("default-src 'none'"));
  assert.ok(
    html.includes('For fp32 values with |x| &lt; 2, a flip of any bit but 30 kept |x| &lt; 2 in every tested value.'),
  );
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('tg&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(files.csv.some((p) => p.endsWith('summary.csv')) && files.csv.some((p) => p.endsWith('bits.csv')));
  const back = readAnalysis(files.analysisJson);
  assert.equal(renderReport(back), html);
});

test('readAnalysis names the file and what to run when it is missing or foreign', (t) => {
  const root = tempDir('report-bad');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.throws(
    () => readAnalysis(join(root, 'analysis.json')),
    /analysis\.json: no such file — create it with 'tgr compare'$/,
  );
});

test('CAM file names from analysis.json cannot leave report/cam/', () => {
  assert.equal(camPngName(0, 3, 'text-guided', true), 'image3-text-guided-after.png');
  assert.equal(camPngName(1, 0, 'baseline', false), '1-image0-baseline-before.png');
  assert.equal(camPngName(0, '../1', '../../../../x', false), 'image___1-____________x-before.png');
  const cam = join('/r', 'report', 'cam');
  assert.equal(dirname(join(cam, camPngName(0, '/etc/x', 'a/../../b', true))), cam);
});
