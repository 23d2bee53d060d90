import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16 } from '../../../src/faults/formats/bf16.js';
import { fp16 } from '../../../src/faults/formats/fp16.js';
import { f32ToBits, fp32 } from '../../../src/faults/formats/fp32.js';
import { int8 } from '../../../src/faults/formats/int8.js';
import { errorModel } from '../../../src/faults/error-models/registry.js';
import { faultSite } from '../../../src/faults/plan/site.js';
import { parseRecord, recordLine } from '../../../src/faults/store/store.js';
import type { InjectionRecord } from '../../../src/faults/store/records.js';

const hex = (x: number | undefined) => `0x${(x ?? NaN).toString(16)}`;

test('the issue case: 0x3f91302d with bit 30 flipped is made as the signalling NaN 0x7f91302d, not 0x7fd1302d', () => {
  const x = fp32.decode(0x3f91302d);
  const faulty = errorModel('bit-flip').corrupt(x, faultSite('l', 0, 0, [30]), fp32);
  assert.ok(Number.isNaN(faulty.value));
  assert.equal(hex(faulty.bits), '0x7f91302d');
  assert.equal(hex(f32ToBits(faulty.value)), '0x7fd1302d', 'through a JS number the NaN turns quiet: why bits exist');
});

test('fp16 and bf16 widen every pattern on integers: equal to the decoded value for all non-NaNs, payload kept for NaNs', () => {
  for (const [fmt, nan] of [
    [fp16, (p: number) => (p & 0x7c00) === 0x7c00 && (p & 0x3ff) !== 0],
    [bf16, (p: number) => (p & 0x7f80) === 0x7f80 && (p & 0x7f) !== 0],
  ] as const) {
    for (let p = 0; p < 0x10000; p++) {
      const bits = fmt.toF32Bits(p);
      if (!nan(p)) assert.equal(bits, f32ToBits(fmt.decode(p)), `${fmt.name} ${hex(p)}`);
      else assert.ok(Number.isNaN(fp32.decode(bits)), `${fmt.name} ${hex(p)} stays NaN`);
    }
  }
  assert.equal(hex(fp16.toF32Bits(0x7c01)), '0x7f802000', 'fp16 signalling NaN: payload 1 at bit 13, quiet bit clear');
  assert.equal(hex(fp16.toF32Bits(0xfe00)), '0xffc00000', 'fp16 quiet NaN, sign kept');
  assert.equal(hex(bf16.toF32Bits(0x7f91)), '0x7f910000');
});

test('signalling NaNs from flips in fp16 and bf16 are made exactly', () => {
  // fp16 1.0009766 = 0x3c01: bit 14 → 0x7c01, a signalling NaN; bf16 0x3f91 (1.1328125): bit 14 → 0x7f91.
  const cases = [
    { fmt: fp16, pattern: 0x3c01, bit: 14, want: '0x7f802000' },
    { fmt: bf16, pattern: 0x3f91, bit: 14, want: '0x7f910000' },
    { fmt: fp32, pattern: 0x3f91302d, bit: 30, want: '0x7f91302d' },
  ];
  for (const { fmt, pattern, bit, want } of cases) {
    const made = errorModel('bit-flip').corrupt(fmt.decode(pattern), faultSite('l', 0, 0, [bit]), fmt);
    assert.ok(Number.isNaN(made.value));
    assert.equal(hex(made.bits), want, fmt.name);
  }
});

test('every error model returns the integer pattern it made (stuck-at, multi-bit, random-value, int8)', () => {
  const x = fp32.decode(0x3f91302d);
  const made = (spec: string, bits: number[]) => errorModel(spec).corrupt(x, faultSite('l', 0, 0, bits), fp32);
  assert.equal(hex(made('stuck-at-1', [30]).bits), '0x7f91302d');
  assert.equal(hex(made('multi-bit-adjacent:2', [29, 30]).bits), hex((0x3f91302d ^ 0x60000000) >>> 0));
  assert.equal(hex(made('random-value', [0, 30]).bits), '0x7f91302c');
  const i8 = errorModel('bit-flip').corrupt(3, faultSite('l', 0, 0, [7]), int8, int8.contextFor(127));
  assert.deepEqual(i8, { value: -125, bits: f32ToBits(-125) });
});

test('a record keeps the injected pattern of a non-finite value through write and read', () => {
  const rec: InjectionRecord = {
    id: 7,
    layer: 'conv1',
    image: 3,
    index: 11,
    bit: 30,
    original: fp32.decode(0x3f91302d),
    faulty: NaN,
    faultyBits: 0x7f91302d,
    goldenTop1: 1,
    faultyTop1: 2,
    goldenLoss: 0.25,
    faultyLoss: null,
    nonFinite: true,
  };
  const line = recordLine(rec);
  assert.match(line, /"faulty":null,"faultyBits":2140221485,/);
  const back = parseRecord(line.trimEnd(), 'x');
  assert.equal(back.faultyBits, 0x7f91302d);
  assert.equal(recordLine(back), line);
  const old = recordLine({ ...rec, faultyBits: undefined, faulty: -Infinity });
  assert.match(old, /"faulty":null,"faultyBits":4286578688,/, 'records without the field write the number’s pattern');
  assert.equal(parseRecord('{"id":1,"layer":"a","faulty":0.5,"faultyBits":3}', 'x').faultyBits, undefined);
});
