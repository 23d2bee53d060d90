import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { emulatedModel } from '../../../src/faults/run/emulate.js';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { analyticBounds, deltaLossBound, guardTrips } from '../../../src/faults/run/guard.js';
import { goldenPool } from '../../../src/faults/run/golden.js';
import { loadClassifier } from '../../../src/faults/model/classifier.js';
import { attentionNet } from '../nets.js';
import { f32 } from '../../../src/onnx/tensor.js';
import { fixture } from '../fixtures.js';
import { runScored } from '../plain-check.js';

/**
 * The ViT-like net with a head whose bound is reached: the latent is the constant e_0 (zero weights, bias e_0), so
 * f̂ = e_0 and class 0 scores exp(s)·P_0[0] = exp(s)·‖P_0‖ on every image, with P_0 = 1.2·e_0 — a projection output
 * that E4M3 and bfp:2:m3 round up (to 1.25), past the fp32 bound.
 */
function alignedNet() {
  const m = attentionNet();
  const inits = new Map(m.graph.initializers);
  const E = 6;
  inits.set('head.latent.weight', f32([E, 8], new Array<number>(E * 8).fill(0)));
  inits.set('head.latent.bias', f32([E], [1, 0, 0, 0, 0, 0]));
  const p = Float32Array.from(inits.get('head.projection.weight')!.data as Float32Array);
  p.set([1.2, 0, 0, 0, 0, 0], 0);
  inits.set('head.projection.weight', f32([5, E], Array.from(p)));
  return { ...m, graph: { ...m.graph, initializers: inits } };
}

// The analytic guard on a network emulated in a format: the projection's output is rounded to the format before the
// exp(s) scale, and the bound is widened by that rounding. Every site of the head (each latent and projection element,
// each bit of the format, on every pool image) runs through its suffix: a golden score never trips the guard, and a
// fault the guard lets through — whether or not it changes the prediction — moves the loss by no more than the
// bound it proves.
for (const spec of ['fp8-e4m3', 'fp8-e5m2-nosat', 'int8', 'bfp:2:m3']) {
  test(`${spec}: analytic guard on the emulated head, every site exhaustively — no false alarm, undetected faults within the proven ΔLoss bound`, async () => {
    const fmt = numberFormat(spec);
    const fp32 = await fixture(alignedNet(), 8);
    const fx = await fixture(emulatedModel(fp32.classifier.model, fp32.golden.layers, fmt), 8);
    const { classifier: clf, golden, images } = fx;
    if (spec === 'fp8-e4m3' || spec === 'bfp:2:m3') {
      const unwidened = analyticBounds(fp32.classifier)[0]!;
      assert.ok(golden.scoreMaxAbs![0]! > unwidened, `${spec} rounds class 0 past the fp32 bound ${unwidened}`);
    }
    const plan = planCampaign({
      classifier: clf,
      golden,
      perLayer: 2,
      layers: ['head.latent', 'head.projection'],
      guard: 'analytic',
      format: spec,
      seed: 1,
      batchSize: 64,
    });
    const bounds = plan.guardBounds!;
    golden.scoreMaxAbs!.forEach((m, c) => assert.ok(m <= bounds[c]!, `golden |z_${c}| ${m} within ${bounds[c]}`));
    // Every (image, layer, element, bit) of the head, one unit per layer group.
    const pool = goldenPool(golden);
    const sites = { layer: [] as number[], image: [] as number[], index: [] as number[], bit: [] as number[] };
    plan.units = plan.groups.flatMap((group, g) => {
      const start = sites.layer.length;
      for (const li of group)
        for (const image of pool)
          for (let index = 0; index < plan.layers[li]!.elements; index++)
            for (let bit = 0; bit < fmt.bits; bit++) {
              sites.layer.push(li);
              sites.image.push(image);
              sites.index.push(index);
              sites.bit.push(bit);
            }
      return sites.layer.length > start ? [{ start, end: sites.layer.length, group: g, images: pool }] : [];
    });
    plan.sites = sites;
    const { records, scores } = await runScored(fx, plan, false);
    let changed = 0;
    for (const r of records) {
      assert.equal(r.detected ?? false, guardTrips(bounds, scores.get(r.id)!.s), `fault ${r.id}: the guard's verdict`);
      if (r.detected) continue;
      if (r.faultyTop1 !== r.goldenTop1) changed++;
      const d = Math.abs(r.faultyLoss! - r.goldenLoss);
      assert.ok(
        d <= deltaLossBound(bounds, r.goldenTop1, r.goldenLoss),
        `${r.layer}[${r.index}] bit ${r.bit}: ΔLoss ${d}`,
      );
    }
    assert.ok(changed > 0, 'some undetected faults change the prediction, and stay within the bound');
    assert.ok(
      records.some((r) => r.detected),
      'some faults leave the bound',
    );
  });
}

test('an emulated text-guided head whose bound covers the rounding: bounds differ from fp32 by the format, and fp32 stays as it was', async () => {
  const fp32 = await fixture(attentionNet(), 8);
  const plain = analyticBounds(fp32.classifier);
  const bfp = await loadClassifier(emulatedModel(fp32.classifier.model, fp32.golden.layers, numberFormat('bfp:2:m3')));
  const widened = analyticBounds(bfp);
  // BFP rounds a projection output by at most half its block's step: never below the fp32 bound, and not far above.
  widened.forEach((b, c) => assert.ok(b >= plain[c]! && b <= plain[c]! * 1.25, `class ${c}: ${b} vs ${plain[c]}`));
});
