import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { analyse } from '../../src/analysis/analyse.js';
import { reportIds } from '../../src/report/page.js';
import { writeReport } from '../../src/report/write-report.js';
import { addTinyModels, syntheticPair, tempDir } from '../analysis/fixtures.js';
import { findChromium, pageErrors, renderInChromium, withErrorHook } from './chromium.js';

const browser = findChromium();
const skip = browser
  ? false
  : 'headless Chromium not found on PATH (Debian: apt-get install chromium); browser check of the report skipped';

/** The tiny run lives under runs/ (git-ignored) so CI keeps the page and its screenshot as artifacts. */
const runFolder = resolve('runs', 'ci-report-e2e');

test(
  'E2E: the report of a tiny run renders in headless Chromium with every chart and table and no console error',
  { skip },
  async () => {
    rmSync(runFolder, { recursive: true, force: true });
    mkdirSync(runFolder, { recursive: true });
    const pair = syntheticPair(runFolder, { images: 30, perLayer: 64 });
    const images = addTinyModels(pair);
    const analysis = await analyse({ ...pair, cam: { images, flips: 20, seed: 1 }, bootstrap: { resamples: 200 } });
    const files = writeReport(analysis, runFolder);
    const page = join(runFolder, 'report', 'index.checked.html');
    writeFileSync(page, withErrorHook(readFileSync(files.html, 'utf8')));
    const shot = join(runFolder, 'report', 'screenshot.png');
    const run = await renderInChromium(browser as string, page, { screenshot: shot, size: [1280, 6000] });

    assert.deepEqual(pageErrors(run), []);
    const ids = reportIds([analysis]);
    for (const id of ids.figures) assert.match(run.dom, new RegExp(`<figure id="${id}">`), `figure ${id}`);
    for (const id of ids.tables) assert.match(run.dom, new RegExp(`<table id="${id}">`), `table ${id}`);
    // Charts drew (an SVG per chart figure) and the CAM overlays are images inside the CAM figure.
    assert.ok((run.dom.match(/<svg /g) ?? []).length >= 8);
    assert.equal((/<figure id="fig-cam">[\s\S]*?<\/figure>/.exec(run.dom)?.[0].match(/<img /g) ?? []).length, 2 * 5);
    const png = PNG.sync.read(readFileSync(shot));
    assert.deepEqual([png.width, png.height], [1280, 6000]);
    assert.ok(statSync(shot).size > 10_000, 'the screenshot shows a page, not a blank');
  },
);

test(
  'E2E control: the same harness catches a blocked fetch, in the page hook and in the browser log',
  { skip },
  async (t) => {
    const dir = tempDir('browser-control');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const page = join(dir, 'bad.html');
    writeFileSync(
      page,
      withErrorHook(`<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"></head>
<body><img src="http://192.0.2.1/x.png" alt=""></body></html>`),
    );
    const errors = pageErrors(await renderInChromium(browser as string, page));
    assert.ok(
      errors.some((e) => e.startsWith('csp: img-src')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /:CONSOLE/.test(e)),
      'the browser log carries the violation too',
    );
  },
);
