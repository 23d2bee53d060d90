import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Graph, Model, Shape, ValueInfo } from '../../onnx/types.js';
import { decodeModel, encodeModel } from '../../onnx/proto-io.js';
import { inferShapes } from '../../onnx/infer.js';
import { probeShapes } from '../../engine/probe.js';
import { TgrError, check } from '../../core/errors.js';
import { foldConstants } from './fold.js';
import { constantsToInitializers, findLayers, upstreamOf, type ClassifierLayer, type LeftOutLayer } from './layers.js';

export type { ClassifierLayer, LeftOutLayer } from './layers.js';

/**
 * Any ONNX image classifier, ours or a torchvision export, seen the way a fault campaign needs it: one image input
 * [N,C,H,W], one class-score output [N,K], every tensor's shape known (inferred, or probed by running the model), and
 * the layers faults can land in. Every later stage takes a Classifier, never a raw file.
 */
export interface Classifier {
  /** The model with Constant nodes as initializers, only the class-score output, and complete value infos. */
  model: Model;
  /** The file (or graph name) it came from, for messages. */
  file: string;
  /** sha256 of the .onnx bytes: what plans are tied to. */
  sha256: string;
  input: { name: string; shape: [number, number, number] };
  output: { name: string; classes: number };
  /** Injectable layers (Conv, Gemm, MatMul outputs that reach the scores), in graph order. */
  layers: ClassifierLayer[];
  /** Conv/Gemm/MatMul nodes reaching the scores that are not sites, each with the reason. */
  leftOut: LeftOutLayer[];
  /** Node names forming the model's last layer. */
  lastLayers: string[];
  /** Model metadata tgr reads (head and backbone kind), when present. */
  head: string;
  backbone?: string;
  /** The number format every layer is held in, when `tgr emulate` wrote the model (whole-network emulation). */
  emulated?: string;
}

export interface ClassifierOptions {
  /** [C, H, W] when the file's input shape is not a fixed image shape. */
  inputShape?: number[];
  /** Name used in messages for an in-memory model. */
  label?: string;
  threads?: number;
}

/** Metadata key holding the JSON list of last-layer node names (written by src/models). */
export const lastLayersKey = 'tgr.last_layers';

/** Loads an ONNX classifier from a file or an in-memory model and checks it at the boundary. */
export async function loadClassifier(source: string | Model, opts: ClassifierOptions = {}): Promise<Classifier> {
  let raw: Model;
  let bytes: Uint8Array;
  let file: string;
  if (typeof source === 'string') {
    check(existsSync(source), 'bad_file', () => `${source}: no such file; pass the path of a .onnx model`);
    file = source;
    bytes = readFileSync(source);
    raw = decodeModel(bytes, source, dirname(source));
  } else {
    file = opts.label ?? `${source.graph.name}.onnx`;
    bytes = encodeModel(source);
    raw = source;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let graph = constantsToInitializers(raw.graph);
  const input = imageInput(graph, file, opts.inputShape);
  graph = { ...graph, inputs: [{ ...graph.inputs[0]!, shape: ['N', ...input.shape] }] };
  graph = scoreOutput(graph, file);
  let model: Model = { ...raw, graph: inferShapesFor(graph, raw.opset, file, opts.inputShape) };
  if (!shapesComplete(model.graph)) model = await probe(model, input.shape, file, opts.threads);
  model = await foldConstants(model);
  const out = model.graph.outputs[0]!;
  const classes = out.shape[1];
  check(
    out.shape.length === 2 && out.shape[0] === 'N' && typeof classes === 'number',
    'bad_model',
    () =>
      `${file}: output '${out.name}' has shape ${fmt(out.shape)}; expected class scores [N,K] — export the model with a logits output`,
  );
  const found = findLayers(model.graph, out.name);
  const layers = found.layers;
  model = { ...model, graph: found.graph };
  check(
    layers.length > 0,
    'bad_model',
    () =>
      `${file}: no Conv, Gemm or MatMul output reaches '${out.name}' with a batch axis; nothing to inject into${found.leftOut.length ? ` (left out: ${found.leftOut.map((l) => `${l.name}: ${l.reason}`).join('; ')})` : ''}`,
  );
  return {
    model,
    file,
    sha256,
    input,
    output: { name: out.name, classes },
    layers,
    leftOut: found.leftOut,
    lastLayers: lastLayersOf(model, layers, file),
    head: raw.metadata['tgr.head'] ?? 'unknown',
    ...(raw.metadata['tgr.backbone'] ? { backbone: raw.metadata['tgr.backbone'] } : {}),
    ...(raw.metadata['tgr.emulated_format'] ? { emulated: raw.metadata['tgr.emulated_format'] } : {}),
  };
}

/** Shape inference; with --input-shape, a shape conflict is the flag's fault and says so. */
function inferShapesFor(graph: Graph, opset: number, file: string, inputShape?: number[]): Graph {
  try {
    return inferShapes(graph, opset, false);
  } catch (e) {
    if (!(e instanceof TgrError) || !inputShape) throw e;
    throw new TgrError(
      'bad_argument',
      `${file} does not run on --input-shape ${inputShape.join(',')} images (${e.message}); pass the C,H,W the model was exported for`,
    );
  }
}

function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** The one image input; its [C,H,W] from the file or from `inputShape`. */
function imageInput(g: Graph, file: string, inputShape?: number[]): Classifier['input'] {
  const feeds = g.inputs;
  check(
    feeds.length === 1,
    'bad_model',
    () =>
      `${file}: expected one image input, found ${feeds.length} (${feeds.map((v) => v.name).join(', ')}) — export the model with a single [N,C,H,W] input`,
  );
  const v = feeds[0]!;
  check(
    v.dtype === 'float32',
    'bad_model',
    () => `${file}: input '${v.name}' is ${v.dtype}; expected float32 images [N,C,H,W]`,
  );
  if (inputShape) {
    check(
      inputShape.length === 3 && inputShape.every((d) => Number.isInteger(d) && d > 0),
      'bad_argument',
      () => `--input-shape: expected C,H,W (three positive integers); got ${inputShape.join(',')}`,
    );
    // A dimension the file fixes wins: a different one fails later, deep in a node, naming neither file nor flag.
    const fixed = v.rankUnknown ? [] : v.shape.slice(1);
    check(
      fixed.every((d, i) => typeof d !== 'number' || d === inputShape[i]),
      'bad_argument',
      () =>
        `--input-shape ${inputShape.join(',')} does not fit ${file}, whose input '${v.name}' is ${fmt(v.shape)}; pass --input-shape ${fixed.map((d, i) => (typeof d === 'number' ? d : inputShape[i])).join(',')} or leave it out`,
    );
    return { name: v.name, shape: inputShape as [number, number, number] };
  }
  const chw = v.shape.slice(1);
  check(
    !v.rankUnknown && v.shape.length === 4 && chw.every((d) => typeof d === 'number' && d > 0),
    'bad_model',
    () =>
      `${file}: input '${v.name}' has shape ${v.rankUnknown ? '[?]' : fmt(v.shape)}; expected [N,C,H,W] — pass --input-shape`,
  );
  return { name: v.name, shape: chw as [number, number, number] };
}

/** Keeps only the class-score output; a final Softmax/LogSoftmax is looked through (scores are taken before it). */
function scoreOutput(g: Graph, file: string): Graph {
  check(g.outputs.length > 0, 'bad_model', () => `${file}: the model has no outputs`);
  let out: ValueInfo = g.outputs.find((o) => o.name === 'logits') ?? g.outputs[0]!;
  const producer = (t: string) => g.nodes.find((n) => n.outputs.includes(t));
  let p = producer(out.name);
  while (p?.opType === 'Identity') p = producer(p.inputs[0]!);
  if (p && (p.opType === 'Softmax' || p.opType === 'LogSoftmax')) {
    // Cross-entropy needs logits; softmax(x) and x rank classes alike, so the campaign reads x.
    out = { name: p.inputs[0]!, dtype: out.dtype, shape: out.shape };
  }
  const nodes = g.nodes;
  const needed = upstreamOf({ ...g, nodes }, out.name);
  return { ...g, nodes: nodes.filter((n) => needed.has(n)), outputs: [out] };
}

/** True when every node output has a known shape whose dims are numbers or the batch symbol 'N'. */
function shapesComplete(g: Graph): boolean {
  const known = (name: string) => {
    const v = g.valueInfo.get(name) ?? g.outputs.find((o) => o.name === name);
    return v !== undefined && !v.rankUnknown && v.shape.every((d) => typeof d === 'number' || d === 'N');
  };
  return g.nodes.every((n) => n.outputs.every((o) => o === '' || known(o)));
}

async function probe(model: Model, chw: number[], file: string, threads?: number): Promise<Model> {
  try {
    return await probeShapes(model, chw, { threads: threads ?? 1 });
  } catch (e) {
    if (!(e instanceof TgrError)) throw e;
    throw new TgrError(
      'bad_model',
      `${file}: could not run the model on [N,${chw.join(',')}] images to learn its shapes (${e.message}) — check --input-shape, or re-export with a dynamic batch axis`,
    );
  }
}

/** From metadata `tgr.last_layers`, else the last Gemm/MatMul feeding the output, else the last layer. */
function lastLayersOf(model: Model, layers: ClassifierLayer[], file: string): string[] {
  const meta = model.metadata[lastLayersKey];
  if (meta !== undefined) {
    let names: unknown;
    try {
      names = JSON.parse(meta);
    } catch {
      names = undefined;
    }
    check(
      Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string'),
      'bad_model',
      () => `${file}: metadata ${lastLayersKey} is ${JSON.stringify(meta)}; expected a JSON list of node names`,
    );
    for (const n of names as string[]) {
      check(
        layers.some((l) => l.name === n),
        'bad_model',
        () =>
          `${file}: metadata ${lastLayersKey} names '${n}', which is not an injectable layer; layers: ${layers.map((l) => l.name).join(', ')}`,
      );
    }
    return names as string[];
  }
  const linear = layers.filter((l) => l.opType !== 'Conv');
  return [(linear[linear.length - 1] ?? layers[layers.length - 1]!).name];
}
