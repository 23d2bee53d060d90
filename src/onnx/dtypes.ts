import type { DType } from './types.js';

/** ONNX TensorProto.DataType code of each dtype tgr handles: the one table that load, save, Cast and inference use. */
export const dtypeCodes = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
} as const satisfies Record<DType, number>;

/** Bytes per element of each dtype (raw tensor data). */
export const bytesPerElement = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
} as const satisfies Record<DType, number>;

const byCode = new Map<number, DType>(Object.entries(dtypeCodes).map(([k, v]) => [v, k as DType]));

/** The dtype of an ONNX type code, or undefined for types tgr does not handle (strings, complex, …). */
export function dtypeOfCode(code: number): DType | undefined {
  return byCode.get(code);
}
