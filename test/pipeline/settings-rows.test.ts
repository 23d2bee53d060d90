import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presets } from '../../src/pipeline/presets.js';
import { reproduceSettingRows, shownPath } from '../../src/pipeline/settings-rows.js';

test('a path is shown relative to the run folder when inside it, else by its file name', () => {
  assert.equal(shownPath('/r/run', '/r/run/inputs/x.npy'), 'inputs/x.npy');
  assert.equal(shownPath('runs/a', 'runs/a/x.json'), 'x.json');
  assert.equal(shownPath('/r/run', '/home/me/data/cupl/cifar10_prompts_full.json'), 'cifar10_prompts_full.json');
  assert.equal(shownPath('/r/run', '/r/run-other/x.npy'), 'x.npy');
  assert.equal(shownPath('/r/run', '../shared/data/tgr/f.pth'), 'f.pth');
});

test('the quick preset as Settings rows, one per flag group, in order', () => {
  assert.deepEqual(
    reproduceSettingRows('quick', presets.quick!, 'runs/q').map((r) => `${r.setting}: ${r.value}`),
    [
      'Preset (--preset): quick',
      'Dataset / backbone (--dataset, --backbone): fashion-mnist / resnet20',
      'Training (recipe, --epochs, --limit-train, --limit-test, --seed): fashion-quick, 2 epochs, 12000 training images, 2000 test images, seed 0',
      'Projection from (--class-embeddings): descriptions + text encoder (below)',
      'Description source (--source, --descriptions): wordnet',
      'Text encoder (--encoder): glove',
      'Number formats (--formats): fp32',
      'Injections per layer (--per-layer, --stratify): 256, uniform over bits',
      'Range detector (--range-detector): off and on (campaigns F and F-rd)',
      'Guard (--guard): on (campaigns F-guard: analytic on the text-guided head, profiled logit range on the baseline)',
      'Critical-fault thresholds τ (--tau): 0.1, 1, 10',
      'Projection ablation (Table 3): not run',
    ],
  );
});

test('a file outside the run folder is shown by name with the hash of its contents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-rows-'));
  const f = join(dir, 'cupl.json');
  writeFileSync(f, '{}');
  const rows = reproduceSettingRows(
    'full',
    { ...presets.full!, source: 'cupl', descriptionsFile: f },
    join(dir, 'run'),
  );
  // sha256('{}') = 44136fa355b3678a…
  assert.equal(rows.find((r) => r.setting.startsWith('Description'))!.value, 'cupl: cupl.json (sha256 44136fa355b3)');
  assert.equal(rows.find((r) => r.setting.startsWith('Training'))!.value.split(',')[1], ' 5 epochs');
});
