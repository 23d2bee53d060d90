import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  count,
  file,
  folder,
  integer,
  integerList,
  name,
  nameList,
  number,
  numberList,
  oneOf,
  outFile,
  outFolder,
  path,
  seed,
  spec,
  text,
  valueKindOf,
  variadic,
} from '../../src/cli/option-parsers.js';
import { parseShard } from '../../src/faults/plan/shard.js';

const refuses = (f: () => unknown, message: RegExp) =>
  assert.throws(f, (e: Error & { code?: string }) => e.code === 'commander.invalidArgument' && message.test(e.message));

test('integer: whole numbers in range, with the range in the refusal', () => {
  const p = integer(0, 100);
  assert.equal(p('7'), 7);
  assert.equal(p(' 100 '), 100);
  for (const bad of ['abc', '1.5', '', '-1', '101', '1e2', '0x10'])
    refuses(() => p(bad), /^Expected a whole number from 0 to 100; pass one in that range$/);
  refuses(() => count(10)('0'), /from 1 to 10/);
  assert.equal(seed()('4294967295'), 4294967295);
  refuses(() => seed()('4294967296'), /from 0 to 4294967295/);
});

test('number: finite, in range; "above" excludes the lower end', () => {
  assert.equal(number(0, 2)('0'), 0);
  assert.equal(number(0, 2)('1.5'), 1.5);
  const p = number(0, 10, true);
  assert.equal(p('0.5'), 0.5);
  for (const bad of ['0', '-1', 'NaN', 'Infinity', '', 'x', '11'])
    refuses(() => p(bad), /^Expected a number above 0 and up to 10; pass one in that range$/);
  refuses(() => number(0, 2)('3'), /^Expected a number from 0 to 2; pass one in that range$/);
});

test('lists: arity, item range, names', () => {
  const shape = integerList(3, 1, 65536, '3,32,32');
  assert.deepEqual(shape('1,28,28'), [1, 28, 28]);
  for (const bad of ['abc', '1,28', '-1,28,28', '0,28,28', '1,28,28,1', '1,2.5,3'])
    refuses(() => shape(bad), /^Expected 3 whole numbers from 1 to 65536, e\.g\. 3,32,32$/);
  assert.deepEqual(numberList(0, '0.1,1,10')('0.1,1,10'), [0.1, 1, 10]);
  refuses(() => numberList(0, '0.1,1')('0,1'), /^Expected comma-separated numbers above 0, e\.g\. 0\.1,1$/);
  assert.deepEqual(nameList()('conv1, fc'), ['conv1', 'fc']);
  refuses(() => nameList()('conv1,'), /^Expected comma-separated names/);
});

test('enum, text, names and specs', () => {
  assert.equal(oneOf(['neurons', 'weights'])('weights'), 'weights');
  refuses(() => oneOf(['neurons', 'weights'])('bogus'), /^Expected one of: neurons, weights$/);
  refuses(() => text()('  '), /^Expected a non-empty value$/);
  assert.equal(name()('fp32-rd'), 'fp32-rd');
  for (const bad of ['../../escape', 'a/b', 'a\\b', '..', '.', ''])
    refuses(() => name()(bad), /^Name '.*' is not a plain name \(no '\/', '\\', '\.' or '\.\.'\)/);
  assert.deepEqual(spec(parseShard)('1/4'), { index: 1, count: 4 });
  refuses(() => spec(parseShard)('4/4'), /^--shard expects k\/n with 0 ≤ k < n/);
});

test('paths: existing file, folder or either; output file and folder not under a file', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tgr-option-parsers-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const f = join(root, 'file.txt');
  const d = join(root, 'folder');
  writeFileSync(f, 'x');
  mkdirSync(d);
  assert.equal(file()(f), f);
  refuses(() => file()(join(root, 'nope.npy')), /^No such file '.*nope\.npy'; check the path$/);
  refuses(() => file()(d), /is a folder; pass a file$/);
  assert.equal(folder()(d), d);
  refuses(() => folder()(f), /is a file; pass a folder$/);
  refuses(() => folder()(join(root, 'nope')), /^No such folder/);
  assert.equal(path()(f), f);
  assert.equal(path()(d), d);
  refuses(() => path()(join(f, 'x')), /^No such file or folder/);
  assert.equal(outFile()(join(root, 'new', 'deeper', 'out.json')), join(root, 'new', 'deeper', 'out.json'));
  refuses(() => outFile()(d), /is a folder; pass a file path to write$/);
  refuses(
    () => outFile()(join(f, 'x', 'out.json')),
    new RegExp(`lies under the file '${f}'; pass a path in a folder$`),
  );
  assert.equal(outFolder()(join(root, 'new')), join(root, 'new'));
  assert.equal(outFolder()(d), d);
  refuses(() => outFolder()(f), /is a file; pass a folder \(it is created when missing\)$/);
  refuses(() => outFolder()(join(f, 'sub')), /lies under the file/);
});

test('variadic values accumulate; the kind is read back from the commander option', () => {
  const p = variadic(text());
  assert.deepEqual(p('b', p('a', undefined)), ['a', 'b']);
  const cmd = new Command()
    .option('--n <n>', 'count', count(5))
    .option('--quiet', 'flag')
    .option('--raw <x>', 'undeclared')
    .addOption(new Option('--pick <x>').choices(['a', 'b']));
  const kinds = cmd.options.map((o) => valueKindOf(o));
  assert.deepEqual(kinds, [
    { kind: 'integer', min: 1, max: 5 },
    { kind: 'flag' },
    null,
    { kind: 'enum', choices: ['a', 'b'] },
  ]);
});
