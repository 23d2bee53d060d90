import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { train, type TrainOptions } from '../../src/train/train.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-train-err-'));
const base: TrainOptions = {
  backbone: 'resnet20',
  dataset: 'synthetic',
  epochs: 1,
  batchSize: 8,
  limitTrain: 8,
  limitTest: 8,
  quiet: true,
  out: join(dir, 'run'),
};

/** Runs `tgr ARGS` and returns its exit code and stderr. */
async function tgr(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('tgr train: an unknown backbone is one line listing the backbones, exit code 2', async () => {
  const r = await tgr(['train', '--backbone', 'resnet21', '--dataset', 'synthetic']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^tgr: option '--backbone <name>' argument 'resnet21' is invalid\. Expected one of: alexnet, .*resnet20, .*vit-small, .*focalnet-t, .*\(see tgr train --help\)\n$/,
  );
});

test('a class-embedding matrix of the wrong shape names the file, the expected and the actual shape', async () => {
  const npy = join(dir, 'wrong-e.json');
  writeFileSync(
    npy,
    JSON.stringify([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 1],
    ]),
  );
  await assert.rejects(train({ ...base, head: 'text-guided', classEmbeddings: npy, embedDim: 8 }), {
    message: `${npy}: class embeddings have shape [4, 3]; expected [4, 8] (classes × --embed-dim); pass --embed-dim 3 or a matrix with 8 columns`,
  });
  const rows = join(dir, 'wrong-c.json');
  writeFileSync(
    rows,
    JSON.stringify([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
  );
  await assert.rejects(train({ ...base, head: 'text-guided', classEmbeddings: rows }), {
    message: new RegExp(`^${rows} has 3 rows but there are 4 classes; `),
  });
});

test('a missing, non-folder or empty --data-dir, and class embeddings on a linear head, are one-line errors', async () => {
  const fmnist = { ...base, dataset: 'fashion-mnist' };
  await assert.rejects(train({ ...fmnist, dataDir: join(dir, 'nope') }), {
    message: `--data-dir ${join(dir, 'nope')}: not a readable folder (ENOENT); point it at the folder holding the fashion-mnist files`,
  });
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  await assert.rejects(train({ ...fmnist, dataDir: file }), {
    message: `--data-dir ${file}: not a readable folder (not a folder); point it at the folder holding the fashion-mnist files`,
  });
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await assert.rejects(train({ ...fmnist, dataDir: empty }), {
    message: new RegExp(`^fashion-mnist: no .*idx.* found in ${empty}, .*; point --data-dir at the folder holding it$`),
  });
  await assert.rejects(train({ ...base, classEmbeddings: 'x.npy' }), {
    message:
      '--class-embeddings x.npy: only the text-guided head has a projection to initialise; add --head text-guided',
  });
  await assert.rejects(train({ ...base, epochs: 0 }), { message: '--epochs: expected a positive integer; got 0' });
  await assert.rejects(train({ ...base, skipDecay: 'all' }), {
    message: "unknown no-decay rule (--skip-decay) 'all'; choose one of: none, norms-biases",
  });
});

test('a finished run is not overwritten without --resume', async () => {
  const out = join(dir, 'done');
  mkdirSync(out);
  writeFileSync(join(out, 'model.onnx'), '');
  await assert.rejects(train({ ...base, out }), {
    message: `${join(out, 'model.onnx')} exists: ${out} holds a run already; pass --resume to continue it, or --run NAME for a new one`,
  });
});
