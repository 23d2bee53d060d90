import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultErrorModel, errorModel, errorModels } from '../../../src/faults/error-models/registry.js';
import { numberFormats } from '../../../src/faults/formats/registry.js';
import { f32ToBits } from '../../../src/faults/formats/fp32.js';
import { faultSite } from '../../../src/faults/plan/site.js';
import { Rng } from '../../../src/core/rng.js';
import { TgrError } from '../../../src/core/errors.js';

test('every registered model rebuilds from its own name', () => {
  for (const name of Object.keys(errorModels))
    assert.equal(errorModel(errorModel(name).name).name, errorModel(name).name);
  assert.equal(errorModel().name, defaultErrorModel);
  assert.equal(errorModel('multi-bit-adjacent').name, 'multi-bit-adjacent:2');
  assert.equal(errorModel('multi-bit-random:5').name, 'multi-bit-random:5');
});

test("picking is seeded, corrupting a recorded site needs no Rng, and a finite fault's pattern is its value's", () => {
  for (const name of Object.keys(errorModels)) {
    const model = errorModel(name);
    for (const format of Object.values(numberFormats)) {
      const a = new Rng(7);
      const b = new Rng(7);
      for (let i = 0; i < 50; i++) {
        const bits = model.pickBits(a, format);
        assert.deepEqual(model.pickBits(b, format), bits);
        assert.ok(
          bits.every((x) => Number.isInteger(x) && x >= 0 && x < format.bits),
          `${name} ${format.name}`,
        );
        const site = faultSite('l', 0, 0, bits);
        const ctx = format.contextFor(30);
        const made = model.corrupt(0.3, site, format, ctx);
        assert.deepEqual(model.corrupt(0.3, site, format, ctx), made);
        if (!Number.isNaN(made.value)) assert.equal(made.bits, f32ToBits(made.value), `${name} ${format.name}`);
      }
    }
  }
});

test('bad specs are one-line errors that list what exists', () => {
  assert.throws(
    () => errorModel('bitflip'),
    /unknown error model 'bitflip'; choose one of: bit-flip, multi-bit-adjacent, multi-bit-random, stuck-at-0, stuck-at-1, random-value/,
  );
  assert.throws(() => errorModel('bit-flip:2'), /takes no parameter/);
  assert.throws(
    () => errorModel('multi-bit-random:0'),
    (e: unknown) =>
      e instanceof TgrError &&
      e.message ===
        "error model 'multi-bit-random:0': K (bits per fault) must be a whole number from 1 to 32; write e.g. multi-bit-random:2",
  );
  assert.throws(() => errorModel('multi-bit-adjacent:33'), /K \(bits per fault\) must be a whole number from 1 to 32/);
  assert.throws(() => errorModel('multi bit'), /is not NAME or NAME:K/);
  assert.throws(
    () => errorModel('multi-bit-adjacent:9').pickBits(new Rng(1), numberFormats.int8),
    /flips more bits than int8 has \(8\)/,
  );
});

test('each entry declares its parameter or none: a declared one has its default and range, the rest are the model itself', () => {
  const declared = Object.entries(errorModels).map(([name, e]) => [name, e.param ? e.param.name : null]);
  assert.deepEqual(declared, [
    ['bit-flip', null],
    ['multi-bit-adjacent', 'K'],
    ['multi-bit-random', 'K'],
    ['stuck-at-0', null],
    ['stuck-at-1', null],
    ['random-value', null],
  ]);
  for (const [name, e] of Object.entries(errorModels)) {
    if (!e.param) {
      assert.equal(errorModel(name), e.model);
      assert.equal(e.model.name, name);
      continue;
    }
    assert.equal(errorModel(name).name, `${name}:${e.param.default}`);
    assert.equal(errorModel(`${name}:${e.param.value.max}`).name, `${name}:${e.param.value.max}`);
    assert.equal(errorModel(`${name}:${e.param.value.min}`).name, `${name}:${e.param.value.min}`);
  }
});
