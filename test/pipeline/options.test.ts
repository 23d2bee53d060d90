import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePreset, type ReproduceOptions } from '../../src/pipeline/options.js';
import { presets } from '../../src/pipeline/presets.js';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-repro-opts-'));
const cupl = join(dir, 'cupl.json');
writeFileSync(cupl, '{}');
const npy = join(dir, 'features.npy');
writeFileSync(npy, '');

test('flags override the preset field by field; lists come as text or arrays', () => {
  const p = resolvePreset({
    formats: 'fp32, fp16',
    tau: '0.5,2',
    rangeDetector: 'on',
    guard: 'off',
    stratify: 'bit',
    perLayer: 64,
    descriptions: cupl,
    encoder: 'random',
  });
  assert.deepEqual(
    [p.formats, p.tau, p.rangeDetector, p.guard, p.stratify, p.perLayer, p.source, p.descriptionsFile, p.encoder],
    [['fp32', 'fp16'], [0.5, 2], 'on', false, 'bit', 64, 'cupl', cupl, 'random'],
  );
  assert.deepEqual(resolvePreset({ formats: ['bf16'], tau: [1] }).formats, ['bf16']);
  assert.deepEqual(resolvePreset({ formats: 'fp32,bf16,fp8-e4m3,int8,bfp8,fp:e5m10' }).formats, [
    'fp32',
    'bf16',
    'fp8-e4m3',
    'int8',
    'bfp8',
    'fp:e5m10',
  ]);
  const q = resolvePreset({ classEmbeddings: npy, classRows: 'a, 3,b c' });
  assert.deepEqual([q.classEmbeddings, q.classRows, q.source], [npy, ['a', '3', 'b c'], 'wordnet']);
  assert.deepEqual(resolvePreset({}), {
    ...presets.quick!,
    descriptionsFile: undefined,
    classEmbeddings: undefined,
    classNames: undefined,
    classRows: undefined,
  });
});

test('the full preset is the paper protocol: n = 4096, fp32 + fp16 + bf16 + FP8 E4M3, detector off and on, guard, bit strata, ablation', () => {
  const f = presets.full!;
  assert.deepEqual(
    [f.perLayer, f.formats, f.rangeDetector, f.guard, f.stratify, f.ablation, f.tau],
    [4096, ['fp32', 'fp16', 'bf16', 'fp8-e4m3'], 'both', true, 'bit', true, [0.1, 1, 10]],
  );
});

const bad: [string, ReproduceOptions, RegExp][] = [
  [
    '--formats',
    { formats: 'fp32,fp33' },
    /^unknown number format \(--formats\) 'fp33'; choose one of: fp32, fp16, bf16, int8/,
  ],
  ['--formats', { formats: 'fp32,fp32' }, /^--formats names fp32 twice; list each format once$/],
  ['--formats', { formats: 'fp32,fp:e9m1' }, /^number format 'fp:e9m1' is not fp:eXmY\[:ftz\]/],
  [
    '--formats',
    { formats: ' , ' },
    /^--formats expects number formats separated by commas \(e\.g\. fp32,fp16\), got none$/,
  ],
  [
    '--tau',
    { tau: '1,0.1' },
    /^--tau expects increasing positive numbers separated by commas \(e\.g\. 0\.1,1,10\), got '1,0\.1'$/,
  ],
  ['--tau', { tau: '0,1' }, /^--tau expects increasing positive numbers/],
  [
    '--range-detector',
    { rangeDetector: 'yes' },
    /^unknown range detector setting \(--range-detector\) 'yes'; choose one of: off, on, both$/,
  ],
  ['--guard', { guard: 'analytic' }, /^unknown guard setting \(--guard\) 'analytic'; choose one of: on, off$/],
  ['--stratify', { stratify: 'layer' }, /^unknown site sampling \(--stratify\) 'layer'; choose one of: none, bit$/],
  [
    '--dataset',
    { dataset: 'imagenet1k' },
    /^unknown dataset \(--dataset\) 'imagenet1k'; choose one of: fashion-mnist, /,
  ],
  ['--backbone', { backbone: 'resnet21' }, /^unknown backbone \(--backbone\) 'resnet21'; choose one of: /],
  [
    '--source',
    { source: 'gpt3' },
    /^unknown description source \(--source\) 'gpt3'; choose one of: llm, cupl, wordnet, template$/,
  ],
  ['--source', { source: 'cupl' }, /^--source cupl needs --descriptions FILE/],
  [
    '--source',
    { source: 'wordnet', descriptions: cupl },
    /^--descriptions .*cupl\.json is a CuPL file but --source is 'wordnet'; drop --source or use --source cupl$/,
  ],
  [
    '--descriptions',
    { descriptions: join(dir, 'nope.json') },
    /^--descriptions .*nope\.json: no such file; pass a CuPL-format/,
  ],
  [
    '--descriptions',
    { descriptions: cupl, classEmbeddings: npy },
    /^--descriptions and --class-embeddings both set the projection; pass one of them$/,
  ],
  [
    '--encoder',
    { encoder: 'gpt' },
    /^unknown text encoder \(--encoder\) 'gpt'; choose one of: clip, glove, precomputed, random$/,
  ],
  [
    '--encoder',
    { encoder: 'precomputed' },
    /^--encoder precomputed: pass the matrix as --class-embeddings FILE instead$/,
  ],
  [
    '--class-embeddings',
    { classEmbeddings: join(dir, 'none.pth') },
    /^--class-embeddings .*none\.pth: no such file; pass a C×E matrix/,
  ],
  ['--class-embeddings', { classEmbeddings: cupl.replace('.json', '.txt') }, /no such file/],
  ['--class-rows', { classRows: '1,2' }, /^--class-rows names rows of --class-embeddings FILE; pass that file too$/],
  ['--per-layer', { perLayer: 0 }, /^--per-layer expects an integer ≥ 1, got 0$/],
  ['--cam-images', { camImages: -1 }, /^--cam-images expects an integer ≥ 0, got -1$/],
];

for (const [flag, o, message] of bad) {
  test(`a bad ${flag} is a one-line error naming it: ${JSON.stringify(o).slice(0, 60)}`, () => {
    assert.throws(
      () => resolvePreset(o),
      (e: Error) => e.name === 'TgrError' && message.test(e.message) && !e.message.includes('\n'),
    );
  });
}

test('a class-embeddings file of an unknown type names the flag', () => {
  const txt = join(dir, 'features.txt');
  writeFileSync(txt, '');
  assert.throws(
    () => resolvePreset({ classEmbeddings: txt }),
    /^TgrError: unknown file type of --class-embeddings .*features\.txt '\.txt'; choose one of: \.npy, \.json, \.safetensors, \.pth, \.pt$/,
  );
});

test('tgr reproduce with a value only the pipeline can judge exits 2 with one line and no stack', async () => {
  const r = await runCli('reproduce', '--formats', 'fp32,bf16,fp32', '--out', join(dir, 'never'));
  assert.equal(r.code, 2);
  assert.equal(r.err, 'tgr: --formats names fp32 twice; list each format once\n');
});

test('tgr reproduce --formats refuses an unknown format while parsing, naming the flag and the formats', async () => {
  const r = await runCli('reproduce', '--formats', 'fp32,fp8', '--out', join(dir, 'never'));
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /^tgr: option '--formats <list>' argument 'fp32,fp8' is invalid\. Unknown number format 'fp8'; choose one of: fp32, fp16, bf16, int8, fp8-e4m3, fp8-e4m3-nosat, fp8-e5m2, fp8-e5m2-nosat, bfp8 \(see tgr reproduce --help\)\n$/,
  );
});
