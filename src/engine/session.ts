import * as ort from 'onnxruntime-node';
import type { DType, Model, TensorData } from '../onnx/types.js';
import { decodeModel, encodeModel } from '../onnx/proto-io.js';
import { TgrError } from '../core/errors.js';
import { blockSizeProbe, lowerConvsToBlocked } from './blocked-convs.js';

/**
 * The only module that imports onnxruntime-node. Everything else runs models through `Session`, which takes and
 * returns the IR's plain `TensorData`, so tests and callers never see ORT types.
 */

/** How a session runs: threads, and the knobs training measured (see docs/ARCHITECTURE.md). */
export interface EngineOptions {
  /** Intra-op threads; default: ORT's choice (all cores). */
  threads?: number;
  /** ORT graph optimisation level; 'all' by default. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Memory-pattern planning; off saves training graphs memory at no speed cost (docs/ARCHITECTURE.md, "Gradient forms,
   * measured").
   */
  memPattern?: boolean;
  /** Where to read the model from when given as a path (for external data); informs errors. */
  label?: string;
  /**
   * Idle intra-op threads spin-wait for the next run (ORT's default). Off suits several sessions run in turn (each has
   * its own pool, and a spinning pool takes the cores from the next) or a shared machine (figures:
   * docs/ARCHITECTURE.md, "Why suffix sessions do not spin").
   */
  spinning?: boolean;
  /**
   * Lower Convs whose weights are fed or computed to ORT's blocked-layout (NCHWc) kernels when this CPU has them
   * (src/engine/blocked-convs.ts); for training graphs, whose weights are inputs. Off by default.
   */
  blockedConvs?: boolean;
}

/** ORT tensor type string for each IR dtype (one table). */
const ortTypes = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
} as const satisfies Record<DType, string>;

/** Converts an IR tensor to an ORT tensor without copying the data. */
function toOrt(t: TensorData): ort.Tensor {
  if (t.dtype === 'bool') return new ort.Tensor('bool', t.data as Uint8Array, t.dims);
  // float16 data are raw bit patterns; ORT accepts Uint16Array for them.
  return new ort.Tensor(ortTypes[t.dtype] as 'float32', t.data as Float32Array, t.dims);
}

function fromOrt(t: ort.Tensor): TensorData {
  const dtype = (Object.keys(ortTypes) as DType[]).find((k) => ortTypes[k] === t.type);
  if (!dtype)
    throw new TgrError('engine', `ONNX Runtime returned a tensor of type ${t.type}, which tgr does not handle`);
  let data = t.data as TensorData['data'];
  if (dtype === 'bool' && !(data instanceof Uint8Array)) data = Uint8Array.from(data as unknown as ArrayLike<number>);
  return { dtype, dims: [...t.dims], data };
}

/** An inference session over one model. */
export class Session {
  private constructor(
    private readonly s: ort.InferenceSession,
    readonly label: string,
  ) {}

  /** Creates a session from an IR model or .onnx bytes. */
  static async create(model: Model | Uint8Array, opts: EngineOptions = {}): Promise<Session> {
    if (opts.blockedConvs) {
      const block = await nchwcBlockSize();
      if (block > 1)
        model = lowerConvsToBlocked(
          model instanceof Uint8Array ? decodeModel(model, opts.label ?? 'model') : model,
          block,
        );
    }
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const label = opts.label ?? (model instanceof Uint8Array ? 'model' : model.graph.name);
    const so: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: opts.optimization ?? 'all',
      enableMemPattern: opts.memPattern ?? true,
      executionMode: 'sequential',
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    };
    if (opts.threads) so.intraOpNumThreads = opts.threads;
    if (opts.spinning === false)
      so.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
    try {
      return new Session(await ort.InferenceSession.create(bytes, so), label);
    } catch (e) {
      throw new TgrError('engine', `${label}: ONNX Runtime could not load the model: ${firstLine(e)}`);
    }
  }

  get inputNames(): readonly string[] {
    return this.s.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.s.outputNames;
  }

  /** Runs the model; `outputs` restricts which outputs are fetched. */
  async run(feeds: Record<string, TensorData>, outputs?: string[]): Promise<Record<string, TensorData>> {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = toOrt(v);
    let r: ort.InferenceSession.OnnxValueMapType;
    try {
      r = outputs ? await this.s.run(f, outputs) : await this.s.run(f);
    } catch (e) {
      throw new TgrError('engine', `${this.label}: ONNX Runtime failed to run: ${firstLine(e)}`);
    }
    const out: Record<string, TensorData> = {};
    for (const [k, v] of Object.entries(r)) out[k] = fromOrt(v as ort.Tensor);
    return out;
  }

  /** Frees the native session. */
  async release(): Promise<void> {
    await this.s.release();
  }
}

let blockSize: Promise<number> | undefined;

/** MLAS's NCHWc block size on this CPU (1 when the blocked kernels are absent), probed once per process. */
export function nchwcBlockSize(): Promise<number> {
  blockSize ??= (async () => {
    try {
      const s = await ort.InferenceSession.create(encodeModel(blockSizeProbe()), { logSeverityLevel: 4 });
      const y = (await s.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]) })).y!;
      await s.release();
      return Number(y.dims[1]) > 4 ? Number(y.dims[1]) : 1;
    } catch {
      return 1;
    }
  })();
  return blockSize;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e)
    .split('\n')[0]!
    .slice(0, 400);
}

/** The onnxruntime-node version in use. */
export function engineVersion(): string {
  return ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
}
