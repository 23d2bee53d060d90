import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDescriptions } from '../../../src/text/descriptions/check.js';

test('empty description lists are a one-line error naming the class', () => {
  assert.throws(() => checkDescriptions({ cat: ['A cat.'], dog: ['  '] }, ['cat', 'dog'], 'd.json'), {
    code: 'bad_data',
    message: "d.json: class 'dog' has an empty description list; add at least one sentence or use --source template",
  });
  assert.throws(() => checkDescriptions(['x'], ['cat'], 'd.json'), {
    message: /expected a JSON object \{"class": \["sentence", …\]\} \(CuPL format\), found an array/,
  });
});
