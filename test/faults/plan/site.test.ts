import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultSite, siteBits } from '../../../src/faults/plan/site.js';

test('a single-bit site has just `bit`; a multi-bit site lists sorted bits and `bit` is the lowest', () => {
  assert.deepEqual(faultSite('conv1', 3, 17, [30]), { layer: 'conv1', image: 3, index: 17, bit: 30 });
  assert.deepEqual(faultSite('fc', 0, 2, [9, 4]), { layer: 'fc', image: 0, index: 2, bit: 4, bits: [4, 9] });
  assert.deepEqual(faultSite('fc', 0, 2, []), { layer: 'fc', image: 0, index: 2, bit: -1, bits: [] });
  assert.deepEqual(siteBits(faultSite('conv1', 3, 17, [30])), [30]);
  assert.deepEqual(siteBits(faultSite('fc', 0, 2, [])), []);
});
