import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clip } from '../../../src/text/encoders/clip.js';
import { classEmbeddings } from '../../../src/text/class-embeddings.js';
import { EOT, SOT, expectedEmbedding, vocab, writeTinyClip } from '../tiny-clip.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-clip-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const model = writeTinyClip(join(dir, 'tiny-clip'));
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));

test('clip: a local CLIP-shaped folder runs through transformers.js; rows are the model’s text_embeds, unit-norm, padding-proof', async () => {
  const enc = await clip.create({ encoderPath: model }, { cacheDir: join(dir, 'cache'), quiet: true });
  assert.equal(enc.kind, 'sentences');
  assert.equal(enc.dim, 3);
  assert.match(enc.id, /^clip:.*tiny-clip\/onnx\/text_model\.onnx:\d+:/);
  if (enc.kind !== 'sentences') return;
  // "A cat." → <sot> a</w> cat</w> .</w> <eot> (lower-cased, BPE merges c+a, ca+t</w>); "b" is shorter and gets padded.
  const m = await enc.encode(['A cat.', 'b']);
  const want = [
    unit(expectedEmbedding([SOT, vocab['a</w>']!, vocab['cat</w>']!, vocab['.</w>']!, EOT])),
    unit(expectedEmbedding([SOT, vocab['b</w>']!, EOT])),
  ];
  assert.deepEqual([m.rows, m.cols], [2, 3]);
  for (let r = 0; r < 2; r++)
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(m.data[r * 3 + k]! - want[r]![k]!) < 1e-5, `row ${r} col ${k}`);
  const alone = await enc.encode(['b']);
  assert.deepEqual(Array.from(alone.data), Array.from(m.data.subarray(3)));
});

test('clip: classEmbeddings through the tiny model averages its sentences', async () => {
  const e = await classEmbeddings({
    classNames: ['cat', 'bee'],
    source: 'template',
    sourceOptions: { templates: ['a {class}.', '{class}'] },
    encoder: 'clip',
    encoderOptions: { encoderPath: model },
    cacheDir: join(dir, 'cache'),
    quiet: true,
    dim: 3,
  });
  const s1 = unit(expectedEmbedding([SOT, vocab['a</w>']!, vocab['cat</w>']!, vocab['.</w>']!, EOT]));
  const s2 = unit(expectedEmbedding([SOT, vocab['cat</w>']!, EOT]));
  const want = unit(s1.map((v, k) => v + s2[k]!));
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(e.matrix[k]! - want[k]!) < 1e-5);
  assert.deepEqual(e.meta.counts, { cat: 2, bee: 2 });
});

test('clip: offline without the model fails fast in one line saying how to get it', async () => {
  await assert.rejects(
    clip.create({ modelId: 'nobody/no-such-clip', offline: true }, { cacheDir: join(dir, 'empty'), quiet: true }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'network');
      assert.equal(
        e.message,
        `clip: model 'nobody/no-such-clip' is not on this machine and tgr is offline; fetch it once with network (it is kept under ${join(dir, 'empty', 'hf')}) ` +
          'or pass --encoder-path DIR holding config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx',
      );
      return true;
    },
  );
  const broken = writeTinyClip(join(dir, 'broken'));
  unlinkSync(join(broken, 'tokenizer.json'));
  await assert.rejects(clip.create({ encoderPath: broken }, { cacheDir: dir }), {
    code: 'bad_file',
    message: `${broken}: missing tokenizer.json; a CLIP folder holds config.json, tokenizer.json, tokenizer_config.json, onnx/text_model.onnx (as the Xenova/clip-vit-base-patch32 repository does)`,
  });
  await assert.rejects(clip.create({ encoderPath: model, dtype: 'q3' }, { cacheDir: dir }), {
    message: "--clip-dtype 'q3' is unknown; choose one of: fp32, fp16, q8, int8, uint8, q4",
  });
});
