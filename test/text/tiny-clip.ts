// Writes a tiny CLIP-shaped text model folder (config.json, tokenizer.json, tokenizer_config.json,
// onnx/text_model.onnx) so the clip encoder is tested through transformers.js without any download.
// The model keeps CLIP's interface and pooling: text_embeds = proj · h[argmax(input_ids)], where h is a causal
// running sum of token embeddings (CLIP's causal attention, shrunk to a cumsum) and the end token has the largest id.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const H = 4;
export const E = 3;
const letters = 'abcdefghijklmnopqrstuvwxyz.'.split('');
/** BPE vocabulary: each letter alone and at a word's end (CLIP marks word ends with </w>), one merge "ca t</w>". */
export const vocab: Record<string, number> = {};
for (const l of letters) vocab[l] = Object.keys(vocab).length;
for (const l of letters) vocab[`${l}</w>`] = Object.keys(vocab).length;
vocab['ca'] = Object.keys(vocab).length;
vocab['cat</w>'] = Object.keys(vocab).length;
export const SOT = Object.keys(vocab).length;
export const EOT = SOT + 1;
const V = EOT + 1;

/** Token embedding and projection weights (deterministic, distinct per token). */
export const table = Float32Array.from({ length: V * H }, (_, i) => Math.sin(i * 1.7 + 0.3));
export const proj = Float32Array.from({ length: H * E }, (_, i) => Math.cos(i * 0.9 + 0.1));

/** The embedding the tiny model gives a token sequence (before normalisation). */
export function expectedEmbedding(ids: number[]): number[] {
  const h = new Array(H).fill(0);
  for (const id of ids) for (let j = 0; j < H; j++) h[j] += table[id * H + j]!;
  return Array.from({ length: E }, (_, k) => h.reduce((s, v, j) => s + v * proj[j * E + k]!, 0));
}

const f32 = (name: string, dims: number[], data: Float32Array) => ({
  name,
  dims,
  dataType: 1,
  floatData: Array.from(data),
});
const i64 = (name: string, dims: number[], data: number[]) => ({ name, dims, dataType: 7, int64Data: data });
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
  opType,
  input,
  output,
  attribute,
  name: output[0],
});
const io = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

/** Writes the folder and returns its path. */
export function writeTinyClip(dir: string): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const graph = {
    name: 'tiny_clip_text',
    node: [
      node('Gather', ['token_embedding', 'input_ids'], ['tok']),
      node('CumSum', ['tok', 'one'], ['hidden']),
      node(
        'ArgMax',
        ['input_ids'],
        ['eot_pos'],
        [
          { name: 'axis', type: 2, i: 1 },
          { name: 'keepdims', type: 2, i: 0 },
        ],
      ),
      node('Shape', ['input_ids'], ['ids_shape']),
      node('Gather', ['ids_shape', 'one'], ['seq_len']),
      node('OneHot', ['eot_pos', 'seq_len', 'onehot_values'], ['pick']),
      node('Unsqueeze', ['pick', 'axes1'], ['pick3']),
      node('MatMul', ['pick3', 'hidden'], ['pooled3']),
      node('Squeeze', ['pooled3', 'axes1'], ['pooled']),
      node('MatMul', ['pooled', 'text_projection'], ['text_embeds']),
    ],
    initializer: [
      f32('token_embedding', [V, H], table),
      f32('text_projection', [H, E], proj),
      f32('onehot_values', [2], Float32Array.of(0, 1)),
      i64('one', [], [1]),
      i64('axes1', [1], [1]),
    ],
    input: [io('input_ids', 7, ['batch_size', 'sequence_length'])],
    output: [io('text_embeds', 1, ['batch_size', E])],
  };
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'tgr-test',
    opsetImport: [{ domain: '', version: 14 }],
    graph,
  } as never).finish();
  writeFileSync(join(dir, 'onnx', 'text_model.onnx'), model);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'clip',
      architectures: ['CLIPModel'],
      projection_dim: E,
      text_config: { hidden_size: H, vocab_size: V, max_position_embeddings: 77 },
    }),
  );
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(SOT, '<|startoftext|>'), special(EOT, '<|endoftext|>')],
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFC' },
          { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
          { type: 'Lowercase' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          {
            type: 'Split',
            pattern: {
              Regex:
                "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            },
            behavior: 'Removed',
            invert: true,
          },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: {
        type: 'RobertaProcessing',
        sep: ['<|endoftext|>', EOT],
        cls: ['<|startoftext|>', SOT],
        trim_offsets: false,
        add_prefix_space: false,
      },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: '<|endoftext|>',
        continuing_subword_prefix: '',
        end_of_word_suffix: '</w>',
        fuse_unk: false,
        vocab,
        merges: ['c a', 'ca t</w>'],
      },
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'CLIPTokenizer',
      model_max_length: 77,
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      do_lower_case: true,
    }),
  );
  return dir;
}
