/**
 * Where one fault lands: a layer's output tensor, the image (batch element) it was computed for, the flat element
 * index in that image's slice of the tensor, and the bit. Single-bit models touch exactly `bit`; a model that touches
 * several bits lists them all in `bits` and `bit` is the lowest of them (−1 when it touched none: a random value that
 * happened to equal the original). Per-bit statistics read `bit`.
 */
export interface FaultSite {
  layer: string;
  image: number;
  index: number;
  bit: number;
  bits?: readonly number[];
}

/** Builds a site from the bits an error model picked, keeping `bits` only when there is not exactly one. */
export function faultSite(layer: string, image: number, index: number, bits: readonly number[]): FaultSite {
  const sorted = [...bits].sort((a, b) => a - b);
  const site: FaultSite = { layer, image, index, bit: sorted[0] ?? -1 };
  if (sorted.length !== 1) site.bits = sorted;
  return site;
}

/** Every bit a site's fault touches. */
export function siteBits(site: FaultSite): readonly number[] {
  return site.bits ?? [site.bit];
}
