import { readFileSync } from 'node:fs';
import type { Model, TensorData } from '../../src/onnx/types.js';
import { parseSafetensors, readFloats } from '../../src/core/safetensors.js';
import { f32 } from '../../src/onnx/tensor.js';
import { backbones, buildModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/spec.js';
import { type SwinV2Size, swinV2 } from '../../src/models/swin-v2.js';

/** The reduced config scripts/fixtures/swin_v2.py builds in torchvision (embed 8, depths [2, 2, 2], window 4). */
export const fixtureSize: SwinV2Size = { embedDim: 8, depths: [2, 2, 2], heads: [1, 2, 2], window: 4 };

/** The backbone name the reduced config goes by in this test process (it is not in the shipped table). */
export const fixtureBackbone = 'swin-v2-fixture';

/**
 * The reduced Swin-V2 built by buildModel itself (same input/output names, metadata and modes as registered
 * backbones), so tests can train and inject a small one: the name is added to this process's backbone table.
 */
export function buildSwinV2(spec: Omit<ModelSpec, 'backbone'>): Model {
  backbones[fixtureBackbone] ??= swinV2(fixtureSize);
  return buildModel({ ...spec, backbone: fixtureBackbone });
}

/** The tensors of test/fixtures/swin-v2/reference.safetensors by name: torchvision's parameters, `input`, `logits`. */
export function fixtureTensors(): Map<string, TensorData<'float32'>> {
  const file = parseSafetensors(readFileSync(new URL('../fixtures/swin-v2/reference.safetensors', import.meta.url)));
  if (!('entries' in file)) throw new Error(`swin-v2 fixture: ${file.problem}`);
  const out = new Map<string, TensorData<'float32'>>();
  for (const [name, e] of file.entries) {
    const data = readFloats(file, e);
    if (!(data instanceof Float32Array)) throw new Error(`swin-v2 fixture: ${name}: ${data.problem}`);
    out.set(name, f32(e.shape, data));
  }
  return out;
}

/**
 * The reduced Swin-V2 (10 classes, linear head) with the fixture's weights: away from torchvision's init, where the
 * post-norms of near-zero attention outputs make the loss too curved for finite differences.
 */
export function fixtureModel(inputSide: number, mode: 'train' | 'eval' = 'eval'): Model {
  const m = buildSwinV2({ head: 'linear', inputShape: [3, inputSide, inputSide], numClasses: 10, mode });
  const t = fixtureTensors();
  for (const name of m.graph.initializers.keys()) if (t.has(name)) m.graph.initializers.set(name, t.get(name)!);
  return m;
}
