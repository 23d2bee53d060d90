import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { emulatedModel } from '../../../src/faults/run/emulate.js';
import { residualNet } from '../nets.js';
import { fixture } from '../fixtures.js';
import { checkAgainstPlain, sum } from '../plain-check.js';

// The emulated model loaded as a classifier: its layers are the Conv/Gemm outputs before each quantizer, so the
// runner's shortcuts meet Cast/Round nodes in the suffix. Whatever paths they take, the scores must equal the plain
// full-model path on the same emulated graph. FP8 is missing: tgr's shape inference has no float8 dtype yet.
for (const spec of ['bf16', 'fp16', 'int8', 'q:3.4']) {
  test(`${spec} emulated ResNet-like net, neuron faults in ${spec}: runner equals the plain path, detector off and on`, async () => {
    const fp32 = await fixture(residualNet());
    const format = numberFormat(spec);
    const model = emulatedModel(fp32.classifier.model, fp32.golden.layers, format);
    const fx = await fixture(model);
    assert.deepEqual(
      fx.classifier.layers.map((l) => l.name),
      fp32.classifier.layers.map((l) => l.name),
    );
    assert.ok(fx.classifier.layers.every((l) => l.tensor.endsWith('.fp32')));
    for (const rd of [false, true]) {
      const paths = await checkAgainstPlain(fx, 'neurons', rd, { format: spec });
      assert.ok(sum(paths, 'suffix') > 0, `${spec} suffix runs (detector ${rd})`);
    }
  });
}
