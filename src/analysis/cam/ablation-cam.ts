import type { Model, TensorData } from '../../onnx/types.js';
import { cut, type CutGraphs } from '../../onnx/cut.js';
import { inferShapes } from '../../onnx/infer.js';
import { probeShapes } from '../../engine/probe.js';
import { Session } from '../../engine/session.js';
import { TgrError, check, invariant } from '../../core/errors.js';

/**
 * Ablation-CAM (Desai & Ramaswamy, WACV 2020): a gradient-free class activation map. The model is cut at the last
 * convolution's output A (K channels of h×w); the class score y_c is recomputed with each channel k zeroed (y_c^k),
 * and channel k weighs w_k = (y_c − y_c^k) / y_c, the share of the score it carries. CAM = ReLU(Σ_k w_k A_k),
 * bilinearly upsampled to the image. Gradient-free matters here: after bit flips, gradients through saturated or
 * huge activations say little, while an ablation still measures what each channel contributes.
 */

/** A computed map for one image, one class, one model. */
export interface CamResult {
  /** The conv node whose output was ablated. */
  layer: string;
  classIndex: number;
  /** y_c, the class score (logit) of the intact model. */
  score: number;
  /** The model's top-1 class on this image. */
  predicted: number;
  /** w_k per channel. */
  weights: number[];
  /** ReLU(Σ w_k A_k) at the conv's resolution, row-major h×w. */
  cam: Float32Array;
  camSize: [h: number, w: number];
  /** The map upsampled to the image, scaled to [0, 1] by its maximum (all zeros when the map is). */
  heat: Float32Array;
  imageSize: [h: number, w: number];
  /** True when the score or the map is not finite (a flip made the model overflow): weights and map are then zero. */
  nonFinite: boolean;
}

/** Options of `ablationCam`. */
export interface CamOptions {
  /** Class to explain; default the model's top-1. */
  classIndex?: number;
  /** Conv node to ablate; default the last Conv in graph order. */
  layer?: string;
  /** Suffix runs per ORT call (each ablates one channel). */
  batch?: number;
}

/** The name of the last Conv node in graph order (the paper's "last conv layer"). */
export function lastConv(model: Model): string {
  const convs = model.graph.nodes.filter((n) => n.opType === 'Conv');
  check(
    convs.length > 0,
    'bad_model',
    () => `${model.graph.name}: Ablation-CAM needs a convolution and the model has none; pass a CNN`,
  );
  return convs[convs.length - 1]!.outputs[0]!;
}

/** Cuts a model at a tensor, learning shapes by running the model when shape inference cannot give them. */
async function cutAt(model: Model, tensor: string, inputShape: number[]): Promise<CutGraphs> {
  try {
    return cut(inferShapes(model.graph, model.opset, false), tensor);
  } catch (e) {
    if (!(e instanceof TgrError) || e.code !== 'bad_graph' || !/shape of/.test(e.message)) throw e;
    return cut((await probeShapes(model, inputShape)).graph, tensor);
  }
}

/** Repeats a batch-1 tensor `n` times along the batch axis. */
function tile(t: TensorData, n: number): TensorData {
  invariant(t.dims[0] === 1, `tile: expected batch 1, got [${t.dims}]`);
  const data = new (t.data.constructor as new (len: number) => typeof t.data)(t.data.length * n);
  for (let i = 0; i < n; i++) (data as Float32Array).set(t.data as Float32Array, i * t.data.length);
  return { dtype: t.dtype, dims: [n, ...t.dims.slice(1)], data };
}

/** Bilinear resize of an h×w map to H×W with half-pixel centres (OpenCV's INTER_LINEAR, torch align_corners=False). */
export function resizeBilinear(src: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  for (let y = 0; y < H; y++) {
    const sy = clamp((y + 0.5) * (h / H) - 0.5, h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = clamp((x + 0.5) * (w / W) - 0.5, w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = src[y0 * w + x0]! * (1 - fx) + src[y0 * w + x1]! * fx;
      const bottom = src[y1 * w + x0]! * (1 - fx) + src[y1 * w + x1]! * fx;
      out[y * W + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

function argmax(a: ArrayLike<number>, from: number, len: number): number {
  let best = 0;
  for (let i = 1; i < len; i++) if (a[from + i]! > a[from + best]!) best = i;
  return best;
}

/** Computes the Ablation-CAM of one image ([1, C, H, W], the model's input) for one class. */
export async function ablationCam(model: Model, image: TensorData, opts: CamOptions = {}): Promise<CamResult> {
  check(
    image.dims.length === 4 && image.dims[0] === 1,
    'bad_argument',
    () => `Ablation-CAM takes one image shaped [1, C, H, W]; got [${image.dims}]`,
  );
  const layer = opts.layer ?? lastConv(model);
  const [, , H, W] = image.dims as [number, number, number, number];
  const parts = await cutAt(model, layer, image.dims.slice(1));
  const inputName = model.graph.inputs[0]!.name;
  const logitsName = parts.suffix.outputs.find((o) => o.name === 'logits')?.name ?? parts.suffix.outputs[0]!.name;
  const batched = new Set(parts.suffix.inputs.filter((v) => v.shape[0] === 'N').map((v) => v.name));
  const prefix = await Session.create({ ...model, graph: parts.prefix }, { threads: 1 });
  const suffix = await Session.create({ ...model, graph: parts.suffix }, { threads: 1 });
  try {
    const mid = await prefix.run({ [inputName]: image });
    const A = mid[layer]!;
    const [, K, h, w] = A.dims as [number, number, number, number];
    const plane = h * w;
    const a = A.data as Float32Array;
    // Row 0 is the intact model; row j ablates channel (start + j − 1). Carried skip tensors are the same for all rows.
    const runRows = async (channels: number[], withIntact: boolean) => {
      const rows = channels.length + (withIntact ? 1 : 0);
      const x = new Float32Array(rows * a.length);
      for (let r = 0; r < rows; r++) x.set(a, r * a.length);
      channels.forEach((k, j) =>
        x.fill(
          0,
          (j + (withIntact ? 1 : 0)) * a.length + k * plane,
          (j + (withIntact ? 1 : 0)) * a.length + (k + 1) * plane,
        ),
      );
      const feeds: Record<string, TensorData> = { [layer]: { dtype: 'float32', dims: [rows, K, h, w], data: x } };
      // Only per-image tensors grow with the batch; carried constants (e.g. exp(logit scale)) pass unchanged.
      for (const c of parts.carried) feeds[c] = batched.has(c) ? tile(mid[c]!, rows) : mid[c]!;
      if (parts.suffix.inputs.some((v) => v.name === inputName)) feeds[inputName] = tile(image, rows);
      const out = (await suffix.run(feeds, [logitsName]))[logitsName]!;
      return { logits: out.data as Float32Array, classes: out.dims[1]! };
    };
    const batch = Math.max(1, opts.batch ?? 64);
    const first = await runRows([], true);
    const C = first.classes;
    const predicted = argmax(first.logits, 0, C);
    const c = opts.classIndex ?? predicted;
    check(
      Number.isInteger(c) && c >= 0 && c < C,
      'bad_argument',
      () => `class ${c} is outside the model's ${C} classes`,
    );
    const score = first.logits[c]!;
    const weights = new Array<number>(K).fill(0);
    for (let start = 0; start < K; start += batch) {
      const ks = Array.from({ length: Math.min(batch, K - start) }, (_, j) => start + j);
      const { logits } = await runRows(ks, false);
      ks.forEach((k, j) => (weights[k] = (score - logits[j * C + c]!) / score));
    }
    const cam = new Float32Array(plane);
    for (let k = 0; k < K; k++) for (let p = 0; p < plane; p++) cam[p]! += weights[k]! * a[k * plane + p]!;
    let max = 0;
    let finite = Number.isFinite(score);
    for (let p = 0; p < plane; p++) {
      cam[p] = Math.max(0, cam[p]!);
      if (!Number.isFinite(cam[p]!)) finite = false;
      max = Math.max(max, cam[p]!);
    }
    if (!finite) {
      weights.fill(0);
      cam.fill(0);
      max = 0;
    }
    const heat = resizeBilinear(cam, h, w, H, W);
    if (max > 0) for (let p = 0; p < heat.length; p++) heat[p] = heat[p]! / max;
    return {
      layer,
      classIndex: c,
      score,
      predicted,
      weights,
      cam,
      camSize: [h, w],
      heat,
      imageSize: [H, W],
      nonFinite: !finite,
    };
  } finally {
    await prefix.release();
    await suffix.release();
  }
}
