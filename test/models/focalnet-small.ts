import type { Model } from '../../src/onnx/types.js';
import { backbones, buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { type FocalNetSize, focalNet } from '../../src/models/focalnet.js';
import { readReferenceFixture } from './reference-fixture.js';

/** The reduced config scripts/fixtures/focalnet.py builds from the authors' code (embed 8, depths [1, 2, 1]). */
export const fixtureSize: FocalNetSize = { embedDim: 8, depths: [1, 2, 1], focalLevels: [2, 3, 2] };

/** The backbone name the reduced config goes by in this test process (it is not in the shipped table). */
export const fixtureBackbone = 'focalnet-fixture';

/**
 * The reduced FocalNet built by buildModel itself (same input/output names, metadata and modes as registered
 * backbones), so tests can train and inject a small one: the name is added to this process's backbone table.
 */
export function buildFocalNet(spec: Omit<ModelSpec, 'backbone'>): Model {
  backbones[fixtureBackbone] ??= focalNet(fixtureSize);
  return buildModel({ ...spec, backbone: fixtureBackbone });
}

/**
 * The reduced FocalNet (10 classes, linear head) with the fixture's weights: the authors' init (LayerNorms 1/0,
 * zero biases) moved off by the script, so every parameter's gradient is exercised.
 */
export function fixtureModel(inputSide: number, mode: 'train' | 'eval' = 'eval'): Model {
  const m = buildFocalNet({ head: 'linear', inputShape: [3, inputSide, inputSide], numClasses: 10, mode });
  const { tensors } = readReferenceFixture('focalnet');
  for (const name of m.graph.initializers.keys()) {
    const t = tensors.get(name);
    if (t) m.graph.initializers.set(name, t);
  }
  return m;
}
