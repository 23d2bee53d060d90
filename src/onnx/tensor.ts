import type { DType, DTypeArray, TensorData } from './types.js';
import { invariant } from '../core/errors.js';

const ctors: { [D in DType]: new (n: number) => DTypeArray[D] } = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** Number of elements of a fixed shape. */
export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A zero-filled tensor. */
export function zeros<D extends DType>(dtype: D, dims: number[]): TensorData<D> {
  return { dtype, dims: [...dims], data: new ctors[dtype](numel(dims)) };
}

/** A float32 tensor from numbers. */
export function f32(dims: number[], values: ArrayLike<number>): TensorData<'float32'> {
  invariant(values.length === numel(dims), `f32: ${values.length} values for dims [${dims}]`);
  return { dtype: 'float32', dims: [...dims], data: Float32Array.from(values) };
}

/** An int64 tensor from numbers (shape constants, axes, labels). */
export function i64(dims: number[], values: ArrayLike<number>): TensorData<'int64'> {
  invariant(values.length === numel(dims), `i64: ${values.length} values for dims [${dims}]`);
  return { dtype: 'int64', dims: [...dims], data: BigInt64Array.from(Array.from(values, (v) => BigInt(v))) };
}

/** A scalar float32 tensor (dims []). */
export function scalar(v: number): TensorData<'float32'> {
  return { dtype: 'float32', dims: [], data: Float32Array.of(v) };
}

/** Copies a tensor (data and dims). */
export function cloneTensor<D extends DType>(t: TensorData<D>): TensorData<D> {
  return { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as DTypeArray[D] };
}

/** Copies every tensor of a name → tensor record. */
export function cloneTensors<T extends TensorData>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cloneTensor(v) as T]));
}

/** Reads a tensor's values as plain numbers (int64 converted). */
export function toNumbers(t: TensorData): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}
