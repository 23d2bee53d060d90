import { existsSync, statSync } from 'node:fs';
import { lookup as dnsLookup } from 'node:dns/promises';
import { basename, join, resolve } from 'node:path';
import { TgrError } from '../../core/errors.js';
import { progress } from '../../core/progress.js';
import { normalizeRows, type Matrix } from '../matrix.js';
import type { EncoderFactory } from './types.js';

export interface ClipOptions {
  /** Hugging Face model id; default Xenova/clip-vit-base-patch32 (E = 512). */
  modelId?: string;
  /**
   * A local model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx); never goes online.
   */
  encoderPath?: string;
  /** Never contact the hub (also when HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set or the hub does not resolve). */
  offline?: boolean;
  /** Weights variant: fp32 (default, onnx/text_model.onnx) or q8 (onnx/text_model_quantized.onnx), fp16, … */
  dtype?: string;
  batchSize?: number;
}

/** The paper's CLIP (ViT-B/32) as an ONNX export on the Hugging Face hub. */
export const defaultClipModel = 'Xenova/clip-vit-base-patch32';
// transformers.js file-name suffix per weights variant (onnx/text_model<suffix>.onnx).
const suffixes: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
};

/** `clip`: CLIP's text tower through transformers.js (which runs it on its own onnxruntime-node session). */
export const clip: EncoderFactory<ClipOptions> = {
  name: 'clip',
  summary: `CLIP text tower via transformers.js (default ${defaultClipModel}, E=512); --encoder-path DIR for a local copy`,
  options: {
    encoderPath: { flag: 'encoder-path', arg: 'path', value: { kind: 'path' }, help: 'local model folder' },
    modelId: {
      flag: 'model-id',
      arg: 'id',
      value: { kind: 'text' },
      help: `Hugging Face model id (default ${defaultClipModel})`,
    },
    dtype: {
      flag: 'clip-dtype',
      arg: 'dtype',
      value: { kind: 'text' },
      help: 'weights variant (fp32, q8, fp16, …)',
      default: 'fp32',
    },
    offline: { flag: 'offline', help: 'never contact the hub' },
    batchSize: {
      flag: 'batch-size',
      arg: 'n',
      value: { kind: 'integer', min: 1, max: 65_536 },
      help: 'sentences per run',
      default: 32,
    },
  },
  async create(o, ctx) {
    const dtype = o.dtype ?? 'fp32';
    const suffix = lookupSuffix(dtype);
    const local = o.encoderPath ? resolve(o.encoderPath) : undefined;
    if (local) checkFolder(local, suffix);
    const tf = await import('@huggingface/transformers');
    tf.env.logLevel = tf.LogLevel.ERROR;
    tf.env.cacheDir = join(ctx.cacheDir, 'hf');
    tf.env.allowLocalModels = true;
    const offline =
      local !== undefined ||
      o.offline === true ||
      !!process.env.HF_HUB_OFFLINE ||
      !!process.env.TRANSFORMERS_OFFLINE ||
      !(await reachable(tf.env.remoteHost));
    tf.env.allowRemoteModels = !offline;
    const source = local ?? o.modelId ?? defaultClipModel;
    let tokenizer: Awaited<ReturnType<typeof tf.AutoTokenizer.from_pretrained>>;
    let model: Awaited<ReturnType<typeof tf.CLIPTextModelWithProjection.from_pretrained>>;
    try {
      const opts = { cache_dir: tf.env.cacheDir, local_files_only: offline };
      tokenizer = await tf.AutoTokenizer.from_pretrained(source, opts);
      model = await tf.CLIPTextModelWithProjection.from_pretrained(source, { ...opts, dtype: dtype as 'fp32' });
    } catch (e) {
      const why = (e as Error).message.split('\n')[0]!.slice(0, 160);
      if (local)
        throw new TgrError('bad_model', `${local}: transformers.js could not load it as a CLIP text model (${why})`);
      throw new TgrError(
        'network',
        `clip: model '${source}' is not on this machine${offline ? ' and tgr is offline' : ` (${why})`}; fetch it once with network ` +
          `(it is kept under ${tf.env.cacheDir}) or pass --encoder-path DIR holding config.json, tokenizer.json, tokenizer_config.json, onnx/text_model${suffix}.onnx`,
      );
    }
    const inputNames = (model as unknown as { sessions: { model: { inputNames: string[] } } }).sessions.model
      .inputNames;
    const run = async (texts: string[]): Promise<Matrix> => {
      const inputs = tokenizer(texts, { padding: true, truncation: true }) as Record<string, unknown>;
      const feeds = Object.fromEntries(inputNames.map((n) => [n, inputs[n]]));
      const out = (await model(feeds)) as { text_embeds?: { data: Float32Array; dims: number[] } };
      if (!out.text_embeds)
        throw new TgrError(
          'bad_model',
          `${source}: the text model has no 'text_embeds' output; expected a CLIPTextModelWithProjection export`,
        );
      const [rows, cols] = out.text_embeds.dims as [number, number];
      return { data: Float32Array.from(out.text_embeds.data), rows, cols };
    };
    const dim = (await run(['a photo.'])).cols;
    const weights = local ? join(local, 'onnx', `text_model${suffix}.onnx`) : undefined;
    const id = weights
      ? `clip:${basename(local!)}/onnx/${basename(weights)}:${statSync(weights).size}:${statSync(weights).mtimeMs}`
      : `clip:${source}:${dtype}`;
    return {
      kind: 'sentences',
      id,
      dim,
      async encode(sentences) {
        const batch = o.batchSize ?? 32;
        const m = { data: new Float32Array(sentences.length * dim), rows: sentences.length, cols: dim };
        const bar = progress({ label: 'clip', total: sentences.length, unit: 'sentences', quiet: ctx.quiet });
        for (let i = 0; i < sentences.length; i += batch) {
          const part = await run(sentences.slice(i, i + batch));
          m.data.set(part.data, i * dim);
          bar.tick(part.rows);
        }
        bar.done();
        normalizeRows(m);
        return m;
      },
    };
  },
};

function lookupSuffix(dtype: string): string {
  const s = suffixes[dtype];
  if (s === undefined)
    throw new TgrError(
      'bad_argument',
      `--clip-dtype '${dtype}' is unknown; choose one of: ${Object.keys(suffixes).join(', ')}`,
    );
  return s;
}

/** Fails fast, naming every missing file, before transformers.js gets a chance to look elsewhere. */
function checkFolder(dir: string, suffix: string): void {
  const need = ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/text_model${suffix}.onnx`];
  const missing = need.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) {
    throw new TgrError(
      'bad_file',
      `${dir}: missing ${missing.join(', ')}; a CLIP folder holds ${need.join(', ')} (as the ${defaultClipModel} repository does)`,
    );
  }
}

/** Whether the hub's host name resolves within 2 s: no resolution means offline, so fail fast instead of timing out. */
async function reachable(remoteHost: string): Promise<boolean> {
  const host = new URL(remoteHost).hostname;
  const timeout = new Promise<boolean>((ok) => setTimeout(() => ok(false), 2000).unref());
  return Promise.race([
    dnsLookup(host).then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}
