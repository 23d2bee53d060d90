import assert from 'node:assert/strict';
import type { NumberFormat } from '../../../src/faults/formats/registry.js';

/**
 * For a float format of up to 16 bits: every non-NaN pattern decodes and re-encodes to itself, and the fp32 midpoint between
 * two adjacent finite values (exact in fp32: it needs one bit more than the format has) rounds to the even pattern,
 * while the fp32 neighbours of the midpoint round to the nearer side.
 */
export function checkRoundToNearestEven(format: NumberFormat, opts: { saturates?: boolean } = {}): void {
  for (let p = 0; p < 2 ** format.bits; p++) {
    const v = format.decode(p);
    if (Number.isNaN(v) || (opts.saturates && !Number.isFinite(v))) continue; // a saturating format encodes Inf as max
    assert.equal(format.encode(v), p, `pattern 0x${p.toString(16)} (${v})`);
  }
  const sign = 1 << (format.bits - 1);
  for (const neg of [0, sign]) {
    for (let p = 0; p < sign - 1; p++) {
      const a = format.decode(neg | p);
      const b = format.decode(neg | (p + 1));
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const mid = (a + b) / 2;
      assert.equal(mid, Math.fround(mid));
      const even = p % 2 === 0 ? p : p + 1;
      assert.equal(format.encode(mid), neg | even, `midpoint of 0x${p.toString(16)}`);
      const towardA = nextF32(mid, a);
      const towardB = nextF32(mid, b);
      assert.equal(format.encode(towardA), neg | p);
      assert.equal(format.encode(towardB), neg | (p + 1));
    }
  }
}

const f = new Float32Array(1);
const u = new Int32Array(f.buffer);

/** The fp32 neighbour of x in the direction of `toward`. */
function nextF32(x: number, toward: number): number {
  f[0] = x;
  const up = toward > x;
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  u[0] = u[0]! + (x > 0 === up ? 1 : -1);
  return f[0]!;
}
