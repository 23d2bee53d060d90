import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { figure, layerFigure, rangeFigure } from '../../src/report/figures.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('figure: id and caption escaped, the body as given', () => {
  assert.equal(
    figure('fig-"x"', 'a < b & c', '<svg></svg>'),
    '<figure id="fig-&quot;x&quot;"><svg></svg><figcaption>a &lt; b &amp; c</figcaption></figure>',
  );
});

test('layer and range figures of the hand pair: ids with the suffix, one bar per layer and model, no campaign said', async (t) => {
  const root = tempDir('report-figures');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  const delta = layerFigure(a, '-1', 'deltaLoss');
  assert.match(delta, /^<figure id="fig-delta-layers-1">/);
  // conv1, fc, head.latent, head.projection and the combined last layer: the baseline has 3 of those 5, the
  // text-guided model 4 (every value here is positive, so each is drawn on the log axis).
  assert.equal((delta.match(/<rect [^>]*fill="#0072B2"/g) ?? []).length - 1, 3);
  assert.equal((delta.match(/<rect [^>]*fill="#D55E00"/g) ?? []).length - 1, 4);
  assert.match(delta, /last layer \(combined\)/);
  assert.match(layerFigure(a, '', 'mismatchRate'), /^<figure id="fig-mismatch-layers">/);
  const none = layerFigure({ ...a, comparison: { ...a.comparison, formats: [] } }, '', 'deltaLoss');
  assert.equal(
    none,
    '<figure id="fig-delta-layers"><p class="empty">No data.</p><figcaption>ΔLoss per layer: no campaign in a common format.</figcaption></figure>',
  );
  assert.match(rangeFigure(a, '', 'maxAbs'), /^<figure id="fig-ranges-max">/);
});
