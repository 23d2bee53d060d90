import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { emulatedModel } from '../../../src/faults/run/emulate.js';
import { channelMaxAbs } from '../../../src/faults/run/channel-profile.js';
import { attentionNet, residualNet } from '../nets.js';
import { fixture } from '../fixtures.js';
import { checkAgainstPlain, sum } from '../plain-check.js';

// The emulated model loaded as a classifier: its layers are the Conv/Gemm/MatMul outputs before each quantizer, so
// the runner's shortcuts meet the quantizers' ops in the suffix. Whatever paths they take, the scores must equal the
// plain full-model path on the same emulated graph: neuron faults (detector off and on) and weight faults, on a
// residual net and an attention net, for a format of every grid kind.
const specs = ['bf16', 'fp16', 'int8', 'q:3.4', 'fp8-e4m3', 'fp8-e5m2-nosat', 'fp:e4m3:ftz', 'bfp8'];

for (const spec of specs) {
  test(`${spec} emulated ResNet-like and ViT-like nets, faults in ${spec}: runner equals the plain path`, async () => {
    const format = numberFormat(spec);
    for (const net of [residualNet(), attentionNet()]) {
      const fp32 = await fixture(net);
      const fx = await fixture(emulatedModel(fp32.classifier.model, fp32.golden.layers, format));
      assert.deepEqual(
        fx.classifier.layers.map((l) => l.name),
        fp32.classifier.layers.map((l) => l.name),
      );
      assert.ok(fx.classifier.layers.every((l) => l.tensor.endsWith('.fp32')));
      for (const rd of [false, true]) {
        const paths = await checkAgainstPlain(fx, 'neurons', rd, { format: spec });
        assert.ok(sum(paths, 'suffix') > 0, `${spec} ${net.graph.name} suffix runs (detector ${rd})`);
      }
      await checkAgainstPlain(fx, 'weights', false, { format: spec, perLayer: 8 });
    }
  });
}

test('int:4:channel emulated ResNet-like net (scales per channel from the golden images): runner equals the plain path', async () => {
  const fp32 = await fixture(residualNet());
  const { classifier, images, golden } = fp32;
  const channels = await channelMaxAbs({ classifier, images, indices: golden.indices, quiet: true });
  const format = numberFormat('int:4:channel');
  const fx = await fixture(emulatedModel(classifier.model, golden.layers, format, [], channels));
  for (const rd of [false, true]) await checkAgainstPlain(fx, 'neurons', rd, { format: 'int:4:channel' });
  await checkAgainstPlain(fx, 'weights', false, { format: 'int:4:channel', perLayer: 8 });
  assert.throws(
    () => emulatedModel(classifier.model, golden.layers, format),
    /^TgrError: int:4:channel needs each channel's max \|x\| of layer output \S+; profile them with channelMaxAbs/,
  );
});
