import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { datasets } from '../../src/data/registry.js';
import { numberFormat } from '../../src/faults/formats/registry.js';
import { backbones } from '../../src/models/registry.js';
import { getPreset, presets } from '../../src/pipeline/presets.js';
import { descriptionSources } from '../../src/text/descriptions/registry.js';
import { encoders } from '../../src/text/encoders/registry.js';
import { recipes } from '../../src/train/recipes.js';

test('every preset names a dataset, backbone, recipe, description source, encoder and formats that exist', () => {
  for (const [name, p] of Object.entries(presets)) {
    assert.ok(p.dataset in datasets, `${name}: dataset ${p.dataset}`);
    assert.ok(p.backbone in backbones, `${name}: backbone ${p.backbone}`);
    assert.ok(p.recipe in recipes, `${name}: recipe ${p.recipe}`);
    assert.ok(p.source in descriptionSources, `${name}: source ${p.source}`);
    assert.ok(p.encoder in encoders, `${name}: encoder ${p.encoder}`);
    for (const f of p.formats) assert.equal(numberFormat(f).name, f, `${name}: format ${f}`);
    assert.ok(p.perLayer > 0 && Number.isInteger(p.perLayer), name);
    assert.deepEqual(
      [...p.tau].sort((a, b) => a - b),
      p.tau,
      `${name}: τ ascending`,
    );
  }
});

test('quick is small and uniform in fp32; full is bit-stratified over four formats with the ablation', () => {
  const q = getPreset('quick');
  assert.deepEqual(
    [q.epochs, q.limitTrain, q.perLayer, q.formats, q.stratify, q.ablation],
    [2, 12000, 256, ['fp32'], 'none', false],
  );
  const f = getPreset('full');
  assert.deepEqual(
    [f.epochs, f.limitTrain, f.perLayer, f.formats, f.stratify, f.ablation],
    [5, undefined, 4096, ['fp32', 'fp16', 'bf16', 'fp8-e4m3'], 'bit', true],
  );
  assert.equal(getPreset('quick'), presets.quick);
});

test('an unknown preset lists the presets, naming the flag', () => {
  assert.throws(
    () => getPreset('paper'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'unknown_name' &&
      e.message === "unknown preset (--preset) 'paper'; choose one of: quick, full",
  );
});
