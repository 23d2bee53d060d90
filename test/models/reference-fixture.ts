import { readFileSync } from 'node:fs';
import type { TensorData } from '../../src/onnx/types.js';
import { parseSafetensors, readFloats } from '../../src/core/safetensors.js';
import { f32 } from '../../src/onnx/tensor.js';

/** A reference fixture written by scripts/fixtures/*.py: float32 tensors by name, and the header's metadata. */
export interface ReferenceFixture {
  tensors: Map<string, TensorData<'float32'>>;
  metadata: Record<string, string>;
}

/** Reads test/fixtures/FAMILY/reference.safetensors (the reference's parameters by its names, `input`, `logits`). */
export function readReferenceFixture(family: string): ReferenceFixture {
  const file = parseSafetensors(readFileSync(new URL(`../fixtures/${family}/reference.safetensors`, import.meta.url)));
  if (!('entries' in file)) throw new Error(`${family} fixture: ${file.problem}`);
  const tensors = new Map<string, TensorData<'float32'>>();
  for (const [name, e] of file.entries) {
    const data = readFloats(file, e);
    if (!(data instanceof Float32Array)) throw new Error(`${family} fixture: ${name}: ${data.problem}`);
    tensors.set(name, f32(e.shape, data));
  }
  return { tensors, metadata: file.metadata ?? {} };
}
