import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userError } from '../../src/cli/main.js';
import { TgrError } from '../../src/core/errors.js';
import { runCli } from './run-cli.js';

test('user errors become one line; a file-system error about a path too; anything else stays a bug', () => {
  assert.equal(userError(new TgrError('bad_argument', 'x: expected y')), 'x: expected y');
  const fsError = (code: string) => Object.assign(new Error(`${code}: boom`), { code, path: 'runs/a' });
  assert.equal(userError(fsError('EISDIR')), 'cannot use runs/a: it is a folder; pass a file path');
  assert.equal(userError(fsError('ENOSPC')), 'cannot use runs/a: the disk is full; free space or pick another disk');
  assert.equal(userError(fsError('EBUSY')), null);
  assert.equal(userError(new TypeError('x is undefined')), null);
});

test('commander errors are one line, with the command that prints the usage', async () => {
  const bad = await runCli('merge', 'x', '--shards', '0');
  assert.equal(bad.code, 2);
  assert.equal(
    bad.err,
    "tgr: option '--shards <n>' argument '0' is invalid. Expected a whole number from 1 to 10000; pass one in that range (see tgr merge --help)\n",
  );
  const unknown = await runCli('nope');
  assert.equal(unknown.code, 2);
  assert.equal(unknown.err, "tgr: unknown command 'nope' (see tgr --help)\n");
});
