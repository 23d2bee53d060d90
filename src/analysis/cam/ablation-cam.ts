import type { Model, TensorData } from '../../onnx/types.js';
import { cut, type CutGraphs } from '../../onnx/cut.js';
import { inferShapes } from '../../onnx/infer.js';
import { probeShapes } from '../../engine/probe.js';
import { Session } from '../../engine/session.js';
import { TgrError, check } from '../../core/errors.js';
import { lastConv } from './cam-layer.js';

/**
 * Ablation-CAM (Desai & Ramaswamy, WACV 2020): a gradient-free class activation map. The model is cut at a feature
 * map A (K channels of h×w; `camLayer` picks a block output); the class score y_c is recomputed with each channel k
 * zeroed (y_c^k), and channel k weighs w_k = (y_c − y_c^k) / y_c, the share of the score it carries.
 * CAM = ReLU(Σ_k w_k A_k), bilinearly upsampled to the image. Gradient-free matters here: after bit flips, gradients
 * through saturated or huge activations say little, while an ablation still measures what each channel contributes.
 */

/** A computed map for one image, one class, one model. */
export interface CamResult {
  /** The tensor whose channels were ablated. */
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
  /** Tensor to ablate; default the last Conv's output. */
  layer?: string;
  /** Suffix rows per ORT call (each row ablates one channel of one image). */
  batch?: number;
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

/** Images [1, C, H, W] as one batch [N, C, H, W]; undefined for none. */
export function stack(images: readonly TensorData[]): TensorData | undefined {
  if (images.length === 0) return undefined;
  const per = images[0]!.data.length;
  const data = new Float32Array(images.length * per);
  images.forEach((im, i) => data.set(im.data as Float32Array, i * per));
  return { dtype: 'float32', dims: [images.length, ...images[0]!.dims.slice(1)], data };
}

/** Rows `picks` of a batched tensor, in that order, as one new batch. */
function rowsOf(t: TensorData, picks: readonly number[]): TensorData {
  const per = t.data.length / t.dims[0]!;
  const data = new (t.data.constructor as new (len: number) => typeof t.data)(per * picks.length);
  picks.forEach((p, r) =>
    (data as Float32Array).set((t.data as Float32Array).subarray(p * per, (p + 1) * per), r * per),
  );
  return { dtype: t.dtype, dims: [picks.length, ...t.dims.slice(1)], data };
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

/** A model cut once at the ablated tensor, explaining any number of images with the same sessions. */
export interface CamRunner {
  /** The ablated tensor. */
  layer: string;
  /** Maps of images shaped [1, C, H, W], each for its class (undefined: the model's top-1), in order. */
  explain(images: readonly TensorData[], classes?: readonly (number | undefined)[]): Promise<CamResult[]>;
  release(): Promise<void>;
}

/**
 * Cuts `model` at `layer` and opens one prefix and one suffix session. The prefix runs once for all images (one
 * batch); the suffix runs rows of (image, ablated channel) in batches of `batch`, rows of several images together, so
 * 50 images of ResNet-20 take a few ORT calls rather than a session per image.
 */
export async function openCam(
  model: Model,
  layer: string,
  imageDims: readonly number[],
  opts: { batch?: number } = {},
): Promise<CamRunner> {
  const parts = await cutAt(model, layer, imageDims.slice());
  const inputName = model.graph.inputs[0]!.name;
  const logitsName = parts.suffix.outputs.find((o) => o.name === 'logits')?.name ?? parts.suffix.outputs[0]!.name;
  const batched = new Set(parts.suffix.inputs.filter((v) => v.shape[0] === 'N').map((v) => v.name));
  const needsInput = parts.suffix.inputs.some((v) => v.name === inputName);
  const prefix = await Session.create({ ...model, graph: parts.prefix }, { threads: 1 });
  const suffix = await Session.create({ ...model, graph: parts.suffix }, { threads: 1 });
  const batch = Math.max(1, opts.batch ?? 256);
  const group = async (images: readonly TensorData[], classes: readonly (number | undefined)[]) => {
    for (const im of images)
      check(
        im.dims.length === 4 && im.dims[0] === 1 && im.dims.slice(1).join() === imageDims.join(),
        'bad_argument',
        () => `Ablation-CAM takes images shaped [1, ${imageDims}]; got [${im.dims}]`,
      );
    const n = images.length;
    const X = stack(images)!;
    const mid = await prefix.run({ [inputName]: X });
    const A = mid[layer]!;
    check(
      A.dims.length === 4,
      'bad_argument',
      () => `Ablation-CAM needs a [N, K, h, w] feature map; '${layer}' is [${A.dims}]; pick a convolutional layer`,
    );
    const [, K, h, w] = A.dims as [number, number, number, number];
    const plane = h * w;
    const size = K * plane;
    const a = A.data as Float32Array;
    // Row (i, −1) is image i intact; row (i, k) has channel k zeroed. Carried tensors follow each row's image.
    const rows: [image: number, channel: number][] = [];
    for (let i = 0; i < n; i++) for (let k = -1; k < K; k++) rows.push([i, k]);
    let C = 0;
    let logits = new Float32Array(0);
    for (let start = 0; start < rows.length; start += batch) {
      const chunk = rows.slice(start, start + batch);
      const feed = new Float32Array(chunk.length * size);
      chunk.forEach(([i, k], r) => {
        feed.set(a.subarray(i * size, (i + 1) * size), r * size);
        if (k >= 0) feed.fill(0, r * size + k * plane, r * size + (k + 1) * plane);
      });
      const owners = chunk.map(([i]) => i);
      const feeds: Record<string, TensorData> = {
        [layer]: { dtype: 'float32', dims: [chunk.length, K, h, w], data: feed },
      };
      // Only per-image tensors grow with the batch; carried constants (e.g. exp(logit scale)) pass unchanged.
      for (const c of parts.carried) feeds[c] = batched.has(c) ? rowsOf(mid[c]!, owners) : mid[c]!;
      if (needsInput) feeds[inputName] = rowsOf(X, owners);
      const out = (await suffix.run(feeds, [logitsName]))[logitsName]!;
      if (start === 0) ((C = out.dims[1]!), (logits = new Float32Array(rows.length * C)));
      logits.set(out.data as Float32Array, start * C);
    }
    const [, H, W] = imageDims.slice(-3) as [number, number, number];
    return images.map((_, i) =>
      camOf(
        layer,
        logits.subarray(i * (K + 1) * C, (i + 1) * (K + 1) * C),
        C,
        a.subarray(i * size, (i + 1) * size),
        [K, h, w],
        [H, W],
        classes[i],
      ),
    );
  };
  // Prefix batches of 16 images bound the memory of large inputs (ImageNet-size activations) and cost little at 28×28.
  const explain = async (images: readonly TensorData[], classes: readonly (number | undefined)[] = []) => {
    const out: CamResult[] = [];
    for (let i = 0; i < images.length; i += 16)
      out.push(...(await group(images.slice(i, i + 16), classes.slice(i, i + 16))));
    return out;
  };
  return {
    layer,
    explain,
    release: async () => {
      await prefix.release();
      await suffix.release();
    },
  };
}

/** One image's map from its K + 1 suffix rows (intact first) and its feature map A (K×h×w). */
function camOf(
  layer: string,
  logits: Float32Array,
  C: number,
  a: Float32Array,
  [K, h, w]: [number, number, number],
  [H, W]: [number, number],
  classIndex: number | undefined,
): CamResult {
  const predicted = argmax(logits, 0, C);
  const c = classIndex ?? predicted;
  check(Number.isInteger(c) && c >= 0 && c < C, 'bad_argument', () => `class ${c} is outside the model's ${C} classes`);
  const score = logits[c]!;
  const weights = Array.from({ length: K }, (_, k) => (score - logits[(k + 1) * C + c]!) / score);
  const plane = h * w;
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
}

/** Computes the Ablation-CAM of one image ([1, C, H, W], the model's input) for one class. */
export async function ablationCam(model: Model, image: TensorData, opts: CamOptions = {}): Promise<CamResult> {
  check(
    image.dims.length === 4 && image.dims[0] === 1,
    'bad_argument',
    () => `Ablation-CAM takes one image shaped [1, C, H, W]; got [${image.dims}]`,
  );
  const runner = await openCam(model, opts.layer ?? lastConv(model), image.dims.slice(1), { batch: opts.batch ?? 64 });
  try {
    return (await runner.explain([image], [opts.classIndex]))[0]!;
  } finally {
    await runner.release();
  }
}
