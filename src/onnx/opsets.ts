/**
 * Behaviour that changed between ONNX opsets, keyed by the opset that introduced it (STYLE.md: `{13: …, 18: …}`,
 * the newest entry not newer than the model's opset applies). Builders, graph rewrites and shape rules ask here
 * instead of comparing opset numbers themselves.
 */

/** The entry of the newest opset not newer than `opset`. */
export function forOpset<T>(table: Readonly<Record<number, T>>, opset: number): T {
  let best: number | undefined;
  for (const key of Object.keys(table)) {
    const v = Number(key);
    if (v <= opset && (best === undefined || v > best)) best = v;
  }
  if (best === undefined)
    throw new RangeError(`no entry for opset ${opset} (table starts at ${Object.keys(table)[0]})`);
  return table[best]!;
}

/** Where each reduction takes its axes: a node attribute, or a second (int64) input. */
export const reduceAxesIn = {
  ReduceSum: { 1: 'attribute', 13: 'input' },
  ReduceMean: { 1: 'attribute', 18: 'input' },
  ReduceSumSquare: { 1: 'attribute', 18: 'input' },
  ReduceMax: { 1: 'attribute', 18: 'input' },
  ReduceMin: { 1: 'attribute', 18: 'input' },
  ReduceL1: { 1: 'attribute', 18: 'input' },
} as const satisfies Record<string, Record<number, 'attribute' | 'input'>>;

/** Whether reduction `op` takes its axes as an input at this opset. */
export function axesAsInput(op: keyof typeof reduceAxesIn, opset: number): boolean {
  return forOpset<'attribute' | 'input'>(reduceAxesIn[op], opset) === 'input';
}

/** Where Clip takes its bounds: `min`/`max` attributes, or inputs 2 and 3 (from opset 11). */
export const clipBoundsIn = { 1: 'attributes', 11: 'inputs' } as const;

/** Whether Clip takes its bounds as inputs at this opset. */
export function clipBoundsAsInputs(opset: number): boolean {
  return forOpset<'attributes' | 'inputs'>(clipBoundsIn, opset) === 'inputs';
}
