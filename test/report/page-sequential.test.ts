import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { renderReport } from '../../src/report/page.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('the page names the --halfwidth campaigns and their level γ; a report of fixed-n campaigns says nothing of it', async (t) => {
  const root = tempDir('report-page-sequential');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  assert.doesNotMatch(renderReport([a]), /planned to a precision/);
  const sequential = structuredClone(a);
  const f = sequential.comparison.formats[0]!;
  f.baseline.level = 0.9922;
  assert.match(
    renderReport([sequential]),
    new RegExp(
      `Intervals are 99% unless stated\\. Campaigns planned to a precision \\(--halfwidth\\) stop on and report intervals computed at a level γ above 99%, which makes the interval of the whole procedure a 99% one \\(ratios between campaigns stay at 99%\\): ${f.format} \\(baseline\\): 99% \\(sequential, γ = 99\\.22% per look\\)\\.</p>`,
    ),
  );
  // A bit-stratified one's rates are Fay–Feuer's, and the page says so.
  f.baseline.interval = 'fay-feuer';
  assert.match(
    renderReport([sequential]),
    /\(baseline\): 99% \(sequential, γ = 99\.22% per look\), rates by Fay–Feuer\.<\/p>/,
  );
});
