import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat, numberFormats } from '../../../src/faults/formats/registry.js';
import { xorBits } from '../../../src/faults/formats/format.js';

const specs = [...Object.keys(numberFormats), 'fp:e5m10', 'fp:e4m3:ftz', 'fp:e3m2', 'int:4', 'q:3.4', 'bfp:4:m3'];
const values = [0, -0, 1, -1, 0.37, -2.5, 3.14159, 1e-3, 448, -57344, 1e-40, 1e30];

test('every format flips on its integer pattern: flip(x, b) is decode(encode(x) XOR 2^b), mapPattern the same', () => {
  for (const spec of specs) {
    const format = numberFormat(spec);
    const ctx = format.contextFor(4);
    for (const x of values) {
      for (let bit = 0; bit < format.bits; bit++) {
        const pattern = (format.encode(x, ctx) ^ (2 ** bit)) >>> 0;
        const flipped = format.flip(x, bit, ctx);
        assert.ok(Object.is(flipped, Math.fround(format.decode(pattern, ctx))), `${spec} ${x} bit ${bit}`);
        const made = format.mapPattern(x, (p) => xorBits(p, 2 ** bit), ctx);
        assert.deepEqual(made, { value: flipped, bits: format.toF32Bits(pattern, ctx) }, `${spec} ${x} bit ${bit}`);
      }
    }
  }
});
