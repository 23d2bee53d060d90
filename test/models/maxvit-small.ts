import type { Model, TensorData } from '../../src/onnx/types.js';
import { backbones, buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { type MaxVitSize, maxVit } from '../../src/models/maxvit.js';
import { readReferenceFixture } from './reference-fixture.js';

/** The reduced config scripts/fixtures/maxvit.py builds in torchvision (input 32×32: block maps 8×8 and 4×4). */
export const fixtureSize: MaxVitSize = { stem: 8, channels: [8, 16], layers: [1, 2], headDim: 4, partition: 2 };

/** The backbone name the reduced config goes by in this test process (it is not in the shipped table). */
export const fixtureBackbone = 'maxvit-fixture';

/** The reduced MaxViT built by buildModel itself (same names, metadata and modes as a registered backbone). */
export function buildMaxVit(spec: Omit<ModelSpec, 'backbone'>): Model {
  backbones[fixtureBackbone] ??= maxVit(fixtureSize);
  return buildModel({ ...spec, backbone: fixtureBackbone });
}

/** The tensors of test/fixtures/maxvit/reference.safetensors by name: torchvision's state_dict, `input`, `logits`. */
export const fixtureTensors = (): Map<string, TensorData<'float32'>> => readReferenceFixture('maxvit').tensors;

/** The reduced MaxViT (10 classes, linear head, 32×32) with the fixture's weights and BN statistics. */
export function fixtureModel(mode: 'train' | 'eval' = 'eval'): Model {
  const m = buildMaxVit({ head: 'linear', inputShape: [3, 32, 32], numClasses: 10, mode });
  const t = fixtureTensors();
  for (const name of m.graph.initializers.keys()) if (t.has(name)) m.graph.initializers.set(name, t.get(name)!);
  return m;
}
