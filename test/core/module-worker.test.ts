import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TgrError } from '../../src/core/errors.js';
import { fromWireError, toWireError } from '../../src/core/module-worker.js';

test('a TgrError crosses the wire as a TgrError with its code, message and fields', () => {
  const back = fromWireError(
    toWireError(new TgrError('bad_file', 'x.json: broken — re-create it', { path: 'x.json' })),
  );
  assert.ok(back instanceof TgrError);
  assert.equal(back.code, 'bad_file');
  assert.equal(back.message, 'x.json: broken — re-create it');
  assert.deepEqual(back.fields, { path: 'x.json' });
});

test('any other throw comes back as a plain Error with the original stack', () => {
  const e = new RangeError('too far');
  const back = fromWireError(toWireError(e));
  assert.ok(!(back instanceof TgrError));
  assert.equal(back.message, 'too far');
  assert.equal(back.stack, e.stack);
  assert.equal(fromWireError(toWireError('a string')).message, 'a string');
});
