import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { TgrError } from '../../src/core/errors.js';
import { decodeImage } from '../../src/data/image-decode.js';
import { tempDir, writeImage } from './fixtures.js';

/** The CHW pixels of columns [left, left + size) of a 3×h×w image. */
function columns(chw: Uint8Array, h: number, w: number, left: number, size: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) for (let x = left; x < left + size; x++) out.push(chw[(c * h + y) * w + x]!);
  return out;
}

test('eval: the shorter side already at size, the centre crop rounds half to even (5 − 2 = 3 → left 2), CHW out', async () => {
  const dir = tempDir('decode-eval');
  const file = join(dir, 'wide.png');
  const chw = await writeImage(file, 5, 2, 4, 'png');
  const got = await decodeImage(file, { kind: 'eval', size: 2, resize: 2 });
  assert.deepEqual([...got], columns(chw, 2, 5, 2, 2));
});

test('train: a whole-image crop is the image; with flip, each seed gives the image or its mirror, both occur', async () => {
  const dir = tempDir('decode-train');
  const file = join(dir, 'sq.png');
  const chw = await writeImage(file, 3, 3, 9, 'png');
  const t = { kind: 'train' as const, size: 3, scale: [1, 1] as [number, number], ratio: [1, 1] as [number, number] };
  assert.deepEqual([...(await decodeImage(file, { ...t, flip: false }, new Rng(1)))], [...chw]);
  const mirrored = [...chw].map((_, i) => chw[i - (i % 3) + 2 - (i % 3)]!);
  const seen = new Set<string>();
  for (let seed = 0; seed < 8; seed++) {
    const got = [...(await decodeImage(file, { ...t, flip: true }, new Rng(seed)))];
    const again = [...(await decodeImage(file, { ...t, flip: true }, new Rng(seed)))];
    assert.deepEqual(got, again, 'a seed reproduces its draw');
    const kind = JSON.stringify(got) === JSON.stringify([...chw]) ? 'same' : 'mirror';
    if (kind === 'mirror') assert.deepEqual(got, mirrored);
    seen.add(kind);
  }
  assert.deepEqual([...seen].sort(), ['mirror', 'same']);
});

test('an unreadable file, or a training transform without an Rng, is a one-line bad_file naming the file', async () => {
  const dir = tempDir('decode-bad');
  const missing = join(dir, 'missing.png');
  await assert.rejects(
    decodeImage(missing, { kind: 'eval', size: 2, resize: 2 }),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_file' &&
      e.message.startsWith(`${missing}: cannot decode image (`) &&
      e.message.endsWith('); replace or remove the file') &&
      !e.message.includes('\n'),
  );
  const file = join(dir, 'ok.png');
  await writeImage(file, 2, 2, 1, 'png');
  await assert.rejects(
    decodeImage(file, { kind: 'train', size: 2, scale: [1, 1], ratio: [1, 1], flip: false }),
    (e) =>
      e instanceof TgrError &&
      e.message === `${file}: cannot decode image (training transform needs an Rng); replace or remove the file`,
  );
});
