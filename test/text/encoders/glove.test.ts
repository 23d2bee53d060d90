import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../../src/text/encoders/glove.js';

test('tokenize: lower case, hyphenated words and apostrophes kept whole, punctuation dropped', () => {
  assert.deepEqual(tokenize("A T-shirt's sleeve, 2 buttons; NOT a sweat-shirt!"), [
    'a',
    "t-shirt's",
    'sleeve',
    '2',
    'buttons',
    'not',
    'a',
    'sweat-shirt',
  ]);
  assert.deepEqual(tokenize('--- ...'), []);
});
