import onnxProto from 'onnx-proto';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Attr, DType, Graph, Model, Node, Shape, TensorData, ValueInfo } from './types.js';
import { bytesPerElement, dtypeCodes, dtypeOfCode } from './dtypes.js';
import { TgrError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { numel } from './tensor.js';

const { onnx } = onnxProto;
type Long = { toNumber(): number; low: number; high: number };

const toNum = (v: number | Long | null | undefined): number =>
  v == null ? 0 : typeof v === 'number' ? v : v.toNumber();
const utf8 = new TextDecoder();
const enc = new TextEncoder();

function typedFromBytes(dtype: DType, bytes: Uint8Array, n: number): TensorData['data'] {
  // Copy into an aligned buffer: raw_data slices of a protobuf buffer are not aligned.
  const buf = new ArrayBuffer(n * bytesPerElement[dtype]);
  new Uint8Array(buf).set(bytes.subarray(0, n * bytesPerElement[dtype]));
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int8':
      return new Int8Array(buf);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf);
  }
}

function tensorFromProto(t: onnxProto.onnx.ITensorProto, where: string, baseDir?: string): TensorData {
  const dtype = dtypeOfCode(t.dataType ?? 0);
  if (!dtype)
    throw new TgrError(
      'bad_model',
      `${where}: tensor '${t.name}' has ONNX data type ${t.dataType}, which tgr does not read`,
    );
  const dims = (t.dims ?? []).map(toNum);
  const n = numel(dims);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    const file = join(baseDir ?? '.', kv.location ?? '');
    if (!kv.location || !existsSync(file)) {
      throw new TgrError(
        'bad_file',
        `${where}: external data file '${kv.location}' for tensor '${t.name}' not found next to the model; keep it beside the .onnx file`,
      );
    }
    const all = readFileSync(file);
    const off = Number(kv.offset ?? 0);
    const len = kv.length ? Number(kv.length) : n * bytesPerElement[dtype];
    return { dtype, dims, data: typedFromBytes(dtype, all.subarray(off, off + len), n) };
  }
  if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.length !== n * bytesPerElement[dtype]) {
      throw new TgrError(
        'bad_model',
        `${where}: tensor '${t.name}' has ${t.rawData.length} bytes; [${dims}] ${dtype} needs ${n * bytesPerElement[dtype]}`,
      );
    }
    return { dtype, dims, data: typedFromBytes(dtype, t.rawData, n) };
  }
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from(t.floatData ?? []) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from(t.doubleData ?? []) };
    case 'int64':
      return { dtype, dims, data: BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(toNum(v)))) };
    case 'int32':
      return { dtype, dims, data: Int32Array.from(t.int32Data ?? []) };
    case 'int8':
      return { dtype, dims, data: Int8Array.from(t.int32Data ?? []) };
    case 'uint8':
    case 'bool':
      return { dtype, dims, data: Uint8Array.from(t.int32Data ?? []) };
    case 'float16':
    case 'bfloat16':
      return { dtype, dims, data: Uint16Array.from(t.int32Data ?? []) };
  }
}

function tensorToProto(name: string, t: TensorData): onnxProto.onnx.ITensorProto {
  const d = t.data;
  return {
    name,
    dataType: dtypeCodes[t.dtype],
    dims: t.dims,
    rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
  };
}

function shapeFromProto(vi: onnxProto.onnx.IValueInfoProto): Shape {
  const dims = vi.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d, i) =>
    d.dimParam ? d.dimParam : d.dimValue != null && toNum(d.dimValue) > 0 ? toNum(d.dimValue) : `?${i}`,
  );
}

function valueInfoFromProto(vi: onnxProto.onnx.IValueInfoProto, where: string): ValueInfo | null {
  const code = vi.type?.tensorType?.elemType ?? 0;
  const dtype = dtypeOfCode(code);
  if (!dtype) return null;
  if (!vi.type?.tensorType?.shape) return { name: vi.name ?? '', dtype, shape: [], rankUnknown: true };
  return { name: vi.name ?? '', dtype, shape: shapeFromProto(vi) };
}

function valueInfoToProto(v: ValueInfo): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: dtypeCodes[v.dtype],
        ...(v.rankUnknown
          ? {}
          : { shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } }),
      },
    },
  };
}

const A = onnx.AttributeProto.AttributeType;

function attrFromProto(a: onnxProto.onnx.IAttributeProto, where: string, baseDir?: string): Attr {
  switch (a.type) {
    case A.INT:
      return { type: 'int', value: toNum(a.i) };
    case A.FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case A.INTS:
      return { type: 'ints', value: (a.ints ?? []).map(toNum) };
    case A.FLOATS:
      return { type: 'floats', value: [...(a.floats ?? [])] };
    case A.STRING:
      return { type: 'string', value: utf8.decode(a.s ?? new Uint8Array()) };
    case A.STRINGS:
      return { type: 'strings', value: (a.strings ?? []).map((s) => utf8.decode(s)) };
    case A.TENSOR:
      return { type: 'tensor', value: tensorFromProto(a.t!, where, baseDir) };
    default:
      // Graph-valued and other exotic attributes pass through untouched so foreign models survive a round-trip.
      return { type: 'proto', value: a };
  }
}

function attrToProto(name: string, a: Attr): onnxProto.onnx.IAttributeProto {
  switch (a.type) {
    case 'int':
      return { name, type: A.INT, i: a.value };
    case 'float':
      return { name, type: A.FLOAT, f: a.value };
    case 'ints':
      return { name, type: A.INTS, ints: a.value };
    case 'floats':
      return { name, type: A.FLOATS, floats: a.value };
    case 'string':
      return { name, type: A.STRING, s: enc.encode(a.value) };
    case 'strings':
      return { name, type: A.STRINGS, strings: a.value.map((s) => enc.encode(s)) };
    case 'tensor':
      return { name, type: A.TENSOR, t: tensorToProto('', a.value) };
    case 'proto':
      return { ...(a.value as onnxProto.onnx.IAttributeProto), name };
  }
}

/** Decodes .onnx bytes into the IR. `where` names the source in errors (usually the file path). */
export function decodeModel(bytes: Uint8Array, where = 'model', baseDir?: string): Model {
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new TgrError(
      'bad_file',
      `${where}: not a readable ONNX model (${(e as Error).message}); pass a .onnx file exported by torch.onnx.export or tgr`,
    );
  }
  const g = m.graph;
  if (!g || !g.node || g.node.length === 0) {
    throw new TgrError(
      'bad_file',
      `${where}: not an ONNX model (no graph nodes found); pass a .onnx file exported by torch.onnx.export or tgr`,
    );
  }
  const initializers = new Map<string, TensorData>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', tensorFromProto(t, where, baseDir));
  const nodes: Node[] = g.node.map((n, i) => ({
    name: n.name || `${n.opType}_${i}`,
    opType: n.opType ?? '',
    ...(n.domain ? { domain: n.domain } : {}),
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attrs: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attrFromProto(a, where, baseDir)])),
  }));
  const vis = (list: onnxProto.onnx.IValueInfoProto[] | null | undefined) =>
    (list ?? []).map((v) => valueInfoFromProto(v, where)).filter((v): v is ValueInfo => v !== null);
  let opset = 0;
  const extraOpsets: Record<string, number> = {};
  for (const o of m.opsetImport ?? []) {
    if (!o.domain || o.domain === 'ai.onnx') opset = toNum(o.version);
    else extraOpsets[o.domain] = toNum(o.version);
  }
  const graph: Graph = {
    name: g.name ?? 'graph',
    nodes,
    // Older exporters list initializers among the inputs; they are constants, not feeds.
    inputs: vis(g.input).filter((v) => !initializers.has(v.name)),
    outputs: vis(g.output),
    initializers,
    valueInfo: new Map(vis(g.valueInfo).map((v) => [v.name, v])),
  };
  return {
    graph,
    opset,
    extraOpsets,
    irVersion: toNum(m.irVersion),
    producer: m.producerName ?? '',
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

/** Encodes the IR as .onnx bytes. */
export function encodeModel(model: Model): Uint8Array {
  const g = model.graph;
  const proto: onnxProto.onnx.IModelProto = {
    irVersion: model.irVersion || 8,
    producerName: model.producer || 'tgr',
    opsetImport: [
      { domain: '', version: model.opset },
      ...Object.entries(model.extraOpsets).map(([domain, version]) => ({ domain, version })),
    ],
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, a]) => attrToProto(k, a)),
      })),
      input: g.inputs.map(valueInfoToProto),
      output: g.outputs.map(valueInfoToProto),
      initializer: [...g.initializers].map(([name, t]) => tensorToProto(name, t)),
      valueInfo: [...g.valueInfo.values()].map(valueInfoToProto),
    },
  };
  return onnx.ModelProto.encode(proto).finish();
}

/** Loads a .onnx file; a missing, truncated or non-ONNX file gives a one-line error naming it. */
export function loadModel(path: string): Model {
  if (!existsSync(path)) throw new TgrError('bad_file', `${path}: no such file; pass the path of a .onnx model`);
  return decodeModel(readFileSync(path), path, dirname(path));
}

/** Saves a model as a .onnx file (atomically). */
export function saveModel(model: Model, path: string): void {
  writeFileAtomic(path, encodeModel(model));
}
