/**
 * The graph IR every stage shares. It mirrors ONNX closely (so load/save is a plain mapping) but uses plain
 * TypeScript data: a Graph is a value; edits build a new Graph rather than mutating the one they were handed.
 */

/** Element types tgr handles; names follow onnxruntime-node's tensor type strings. */
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** A dimension: a size, or a symbol (e.g. 'N' for the batch) when it is only known at run time. */
export type Dim = number | string;
export type Shape = Dim[];

/** Typed array backing each DType (float16/bfloat16 are stored as raw 16-bit patterns). */
export interface DTypeArray {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}
export type AnyArray = DTypeArray[DType];

/** A concrete tensor: row-major data with fixed dims. */
export interface TensorData<D extends DType = DType> {
  dtype: D;
  dims: number[];
  data: DTypeArray[D];
}

/** A named, typed graph input/output or intermediate. */
export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Shape;
  /** True when even the rank is unknown (`shape` is then empty and meaningless). */
  rankUnknown?: boolean;
}

/** An ONNX attribute with its type kept explicit (ONNX distinguishes int from float; JS numbers do not). */
export type Attr =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: TensorData }
  /** An attribute kind tgr does not interpret (subgraphs, sparse tensors), kept as decoded so it saves unchanged. */
  | { type: 'proto'; value: unknown };

/** One ONNX node. An input name of '' marks an omitted optional input. */
export interface Node {
  name: string;
  opType: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** A computation graph in topological order. */
export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Constant tensors: weights, biases, running statistics, shape constants. */
  initializers: Map<string, TensorData>;
  /** Known types/shapes of intermediate tensors (filled by shape inference). */
  valueInfo: Map<string, ValueInfo>;
}

/** A model file: a graph plus the opset it targets and free-form metadata (class names, head kind, ...). */
export interface Model {
  graph: Graph;
  opset: number;
  /** Other operator domains the model imports (e.g. com.microsoft); the default domain is `opset`. */
  extraOpsets: Record<string, number>;
  irVersion: number;
  producer: string;
  metadata: Record<string, string>;
}

/** Attribute constructors, so call sites read `attr.ints([1, 1])`. */
export const attr = {
  int: (value: number): Attr => ({ type: 'int', value }),
  float: (value: number): Attr => ({ type: 'float', value }),
  ints: (value: number[]): Attr => ({ type: 'ints', value }),
  floats: (value: number[]): Attr => ({ type: 'floats', value }),
  string: (value: string): Attr => ({ type: 'string', value }),
  strings: (value: string[]): Attr => ({ type: 'strings', value }),
  tensor: (value: TensorData): Attr => ({ type: 'tensor', value }),
} as const;
