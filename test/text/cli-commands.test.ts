// End-to-end through the CLI table: `tgr describe` and `tgr embed` (files, report, one-line errors, exit codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as tgr } from '../cli/run-cli.js';
import { loadClassEmbeddings } from '../../src/text/class-embeddings.js';
import { readNpy } from '../../src/text/formats/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-cli-text-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('tgr describe writes CuPL-format descriptions; tgr embed writes the matrix and a report the loader aligns by', async () => {
  const desc = join(dir, 'descriptions.json');
  const cache = ['--cache-dir', join(dir, 'cache'), '--quiet'];
  const d = await tgr(
    'describe',
    '--classes',
    'cat,dog,owl',
    '--source',
    'template',
    '--template',
    'a photo of a {class}.',
    'a {class} outdoors.',
    '--out',
    desc,
    ...cache,
  );
  assert.equal(d.code, 0, d.err);
  assert.equal(d.out, `${desc}: 3 classes, 6 descriptions (source template)\n`);
  assert.deepEqual(JSON.parse(readFileSync(desc, 'utf8')).owl, ['a photo of a owl.', 'a owl outdoors.']);

  const npy = join(dir, 'emb.npy');
  const e = await tgr(
    'embed',
    '--classes',
    'cat,dog,owl',
    '--descriptions',
    desc,
    '--encoder',
    'glove',
    '--out',
    npy,
    ...cache,
  );
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^3×100 class embeddings \(glove:.*, descriptions: .*descriptions\.json\)\n/);
  assert.match(e.out, /\ncat +2 {2}dog \(0\.\d{3}\)\n/);
  assert.deepEqual([readNpy(npy).rows, readNpy(npy).cols], [3, 100]);
  const report = JSON.parse(readFileSync(join(dir, 'emb.report.json'), 'utf8'));
  assert.deepEqual(report.classes, ['cat', 'dog', 'owl']);
  assert.deepEqual(report.counts, { cat: 2, dog: 2, owl: 2 });
  assert.equal(report.cosine[1][1], 1);
  const loaded = await loadClassEmbeddings(npy, ['owl', 'cat']);
  assert.deepEqual(loaded.matrix.subarray(0, 100), readNpy(npy).data.subarray(200, 300));
});

test('tgr embed: user errors are one line on stderr with exit code 2', async () => {
  const r = await tgr('embed', '--classes', 'cat', '--encoder', 'bert', '--out', join(dir, 'x.npy'), '--quiet');
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    "tgr: option '--encoder <name>' argument 'bert' is invalid. Expected one of: clip, glove, precomputed, random (see tgr embed --help)\n",
  );
  const p = await tgr('embed', '--classes', 'cat', '--encoder', 'precomputed', '--out', join(dir, 'x.npy'));
  assert.equal(p.err, 'tgr: encoder precomputed needs --matrix FILE (.npy, .json, .safetensors or .pth)\n');
  const dup = await tgr('describe', '--classes', 'cat,cat', '--out', join(dir, 'd.json'));
  assert.equal(dup.err, "tgr: --classes: class name 'cat' appears twice; class names must be unique\n");
});

test('tgr embed --encoder glove: unknown class names exit 2 in one line; --allow-unknown-words writes with a warning', async () => {
  const args = [
    'embed',
    '--classes',
    'cat,qwzx',
    '--source',
    'template',
    '--encoder',
    'glove',
    '--cache-dir',
    join(dir, 'cache'),
    '--quiet',
  ];
  const out = join(dir, 'unknown.npy');
  const r = await tgr(...args, '--out', out);
  assert.equal(r.code, 2);
  assert.equal(
    r.err,
    "tgr: glove knows no word of class name 'qwzx': such a row comes from the other words of its descriptions alone (identical rows under a template); use English class names, or pass --allow-unknown-words to embed them from their descriptions anyway\n",
  );
  assert.ok(!existsSync(out));
  const ok = await tgr(...args, '--out', out, '--allow-unknown-words');
  assert.equal(ok.code, 0, ok.err);
  assert.equal(
    ok.err,
    "glove: no known word in class name 'qwzx'; such rows come from the other words of their descriptions alone\n",
  );
  assert.deepEqual([readNpy(out).rows, readNpy(out).cols], [2, 100]);
});
