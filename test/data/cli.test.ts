import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli as run } from '../cli/run-cli.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir, writeIdxDataset } from './fixtures.js';

test('tgr data info prints shape, class names and counts per split and class', async () => {
  const dir = tempDir('cli');
  writeIdxDataset(dir, { gzip: true, n: { train: 20, t10k: 10 } });
  const r = await run('data', 'info', 'fashion-mnist', '--data-dir', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^dataset {2}fashion-mnist$/m);
  assert.match(r.out, /^shape {4}\[1, 4, 4\] \(C, H, W\)$/m);
  assert.match(r.out, /^images {3}train 20, test 10$/m);
  // Labels are (i·3) mod 10: class 0 holds images 0 and 10 of train, and image 0 of test.
  assert.match(r.out, /^0 +T-shirt\/top +2 +1$/m);
  assert.match(r.out, /^9 +Ankle boot +2 +1$/m);
});

test('tgr data: an unknown dataset and a missing folder are one line on stderr with exit code 2; synthetic needs no files', async () => {
  const unknown = await run('data', 'info', 'cifar11');
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.err,
    "tgr: command-argument value 'cifar11' is invalid for argument 'dataset'. Expected one of: fashion-mnist, mnist, cifar10, cifar100, stl10, imagenet, food101, folder, synthetic (see tgr data --help)\n",
  );
  const gone = await run('data', 'info', 'stl10', '--data-dir', '/nonexistent');
  assert.equal(gone.code, 2);
  assert.equal(
    gone.err,
    "tgr: option '--data-dir <dir>' argument '/nonexistent' is invalid. No such folder '/nonexistent'; check the path (see tgr data --help)\n",
  );
  const empty = mkdtempSync(join(tmpdir(), 'tgr-data-empty-'));
  const missing = await run('data', 'info', 'stl10', '--data-dir', empty);
  rmSync(empty, { recursive: true });
  assert.equal(missing.code, 2);
  assert.equal(
    missing.err,
    `tgr: stl10: no test_y.bin found in ${empty}, ${join(empty, 'stl10_binary')}; point --data-dir at the folder holding it\n`,
  );
  const synthetic = await run('data', 'info', 'synthetic', '--seed', '4');
  assert.match(synthetic.out, /^3 +ring +64 +16$/m);
});
