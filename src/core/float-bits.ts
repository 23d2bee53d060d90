// 16-bit float decoders shared by the .npy, .pth and safetensors readers.

/** IEEE half → number (numpy '<f2' and torch HalfStorage). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits → number (the top half of a float32). */
export function bfloat16ToFloat(h: number): number {
  return new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
}
