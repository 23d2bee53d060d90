import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabels, checkRecordBytes, checkSameShape } from '../../src/data/format-checks.js';

test('checkLabels: labels in range pass; the first bad one is named with its record, in the file base', () => {
  checkLabels([0, 2, 1], 3, 'l.bin');
  assert.throws(() => checkLabels([0, 3, 9], 3, 'l.bin'), {
    code: 'bad_file',
    message: 'l.bin: label 3 at record 1 is out of range 0..2; the file is corrupt or of another dataset',
  });
  // STL-10 numbers its labels from 1.
  assert.throws(() => checkLabels([0, -1], 10, 'train_y.bin', 1), {
    message: 'train_y.bin: label 0 at record 1 is out of range 1..10; the file is corrupt or of another dataset',
  });
});

test('checkRecordBytes: the record count of a whole file; a partial, empty or wrong-count file is one line', () => {
  assert.equal(checkRecordBytes(30, 10, 'd.bin'), 3);
  assert.equal(checkRecordBytes(30, 10, 'd.bin', 3), 3);
  assert.throws(() => checkRecordBytes(25, 10, 'd.bin'), {
    message:
      'd.bin: expected a multiple of 10 bytes; found 25 bytes — the file is truncated or not this format; re-download it',
  });
  assert.throws(() => checkRecordBytes(0, 10, 'd.bin'), { message: /expected a multiple of 10 bytes; found 0 bytes/ });
  assert.throws(() => checkRecordBytes(20, 10, 'd.bin', 3), {
    message:
      'd.bin: expected 3 records of 10 bytes = 30 bytes; found 20 bytes — the file is truncated or not this format; re-download it',
  });
});

test('checkSameShape: the first split sets the shape; a different one names both', () => {
  checkSameShape(undefined, [3, 32, 32], 'a');
  checkSameShape([3, 32, 32], [3, 32, 32], 'b');
  assert.throws(() => checkSameShape([3, 32, 32], [1, 28, 28], 'test.bin'), {
    message:
      "test.bin: images are [1,28,28] but the other split's are [3,32,32]; both splits must come from one dataset",
  });
});
