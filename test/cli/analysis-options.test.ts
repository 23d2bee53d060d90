import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { analysisOptions, analysisRequest, sectionOption } from '../../src/cli/analysis-options.js';
import { defaultRawFitPerMbit } from '../../src/analysis/stats/fit.js';

test('analysis options: --out, then each report section’s flags, help prefixed by the section', () => {
  const cmd = analysisOptions(new Command('x'));
  assert.deepEqual(
    cmd.options.map((o) => o.long),
    [
      '--out',
      '--tau',
      '--bootstrap',
      '--bootstrap-seed',
      '--raw-fit',
      '--cam-images',
      '--cam-flips',
      '--cam-bits',
      '--cam-seed',
      '--cam-measure',
      '--cam-bound',
      '--data-dir',
    ],
  );
  assert.equal(
    cmd.options.find((o) => o.long === '--cam-images')!.description,
    'cam: images for Ablation-CAM (Fig. 2); 0 skips it',
  );
});

test('analysis request: parsed flags land in the fields the sections declare, defaults included', () => {
  const cmd = analysisOptions(new Command('x')).exitOverride();
  cmd.parse(['--tau', '0.5,2', '--cam-bits', '0-2', '--bootstrap-seed', '7'], { from: 'user' });
  assert.deepEqual(analysisRequest(cmd.opts()), {
    tau: [0.5, 2],
    bootstrap: { resamples: 2000, seed: 7 },
    rawFitPerMbit: defaultRawFitPerMbit,
    cam: { count: 3, flips: 2000, bits: [0, 1, 2], seed: 0, measure: 50, bound: 65536 },
  });
});

test('a section option for a preset command: the declared kind, no default, help says the preset is overridden', () => {
  const cmd = new Command('x').addOption(sectionOption('tau')).addOption(sectionOption('cam-images')).exitOverride();
  assert.deepEqual(
    cmd.options.map((o) => [o.long, o.defaultValue, o.description]),
    [
      [
        '--tau',
        undefined,
        "critical-fault thresholds τ, P(ΔLoss > τ), comma-separated (default 0.1,1,10) (overrides the preset's)",
      ],
      ['--cam-images', undefined, "images for Ablation-CAM (Fig. 2); 0 skips it (overrides the preset's)"],
    ],
  );
  cmd.parse(['--cam-images', '0', '--tau', '1,2'], { from: 'user' });
  assert.deepEqual(cmd.opts(), { camImages: 0, tau: [1, 2] });
  assert.throws(() => sectionOption('nope'), /no report section declares --nope/);
});
