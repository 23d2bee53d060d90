import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError, checkPlainName, lookup } from '../../src/core/errors.js';

test('checkPlainName passes one plain name and refuses anything that could leave its folder', () => {
  assert.equal(checkPlainName('fp32-rd', 'campaign name'), 'fp32-rd');
  assert.equal(checkPlainName('.hidden', 'campaign name'), '.hidden');
  for (const bad of ['../../escape', 'a/b', 'a\\b', '..', '.', '', ' ', 'a\0b'])
    assert.throws(
      () => checkPlainName(bad, 'campaign name (--name)'),
      (e) =>
        e instanceof TgrError &&
        e.code === 'bad_argument' &&
        e.message ===
          `campaign name (--name) '${bad}' is not a plain name (no '/', '\\', '.' or '..'): it names a folder inside another; pass a single name such as fp32-rd`,
    );
});

test('TgrError keeps a message on one line; lookup lists what exists', () => {
  assert.equal(new TgrError('bad_argument', 'a\n   b').message, 'a b');
  assert.throws(() => lookup({ a: 1, b: 2 }, 'c', 'thing'), /^TgrError: unknown thing 'c'; choose one of: a, b$/);
});
