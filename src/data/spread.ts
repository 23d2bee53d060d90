/**
 * N indices spread evenly over [0, size): ⌊i·size/N⌋. Every `--limit-*`/`--images N` takes these, so class-sorted
 * image folders keep every class and training's test accuracy and a golden run over the same N see the same images.
 */
export function spreadIndices(size: number, n: number): Int32Array {
  const k = Math.min(size, Math.max(0, n));
  return Int32Array.from({ length: k }, (_, i) => Math.floor((i * size) / k));
}
