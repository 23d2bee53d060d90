/** A map from data values to pixels, with the ticks an axis draws. */
export interface Scale {
  (v: number): number;
  ticks: number[];
  log: boolean;
}

/** "Nice" tick step (1, 2 or 5 × 10^k) giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

/** A linear scale whose domain is widened to whole ticks, so the axis starts and ends on a label. */
export function linearScale(lo: number, hi: number, r0: number, r1: number, count = 5): Scale {
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep(lo, hi, count);
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = a; v <= b + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  const s = ((v: number) => r0 + ((v - a) / (b - a)) * (r1 - r0)) as Scale;
  s.ticks = ticks;
  s.log = false;
  return s;
}

/**
 * A log10 scale over whole decades. Value ranges and ΔLoss span orders of magnitude (an exponent-bit flip versus a
 * mantissa flip), where a linear axis would flatten all but the largest bar.
 */
export function logScale(lo: number, hi: number, r0: number, r1: number): Scale {
  const l = Math.log10(lo > 0 ? lo : 1e-3);
  // A smallest value sitting on the bottom decade would draw as an empty bar: start a decade lower then.
  const a = Math.floor(l) - (l - Math.floor(l) < 0.3 ? 1 : 0);
  let b = Math.ceil(Math.log10(hi > 0 ? hi : 1));
  if (b <= a) b = a + 1;
  // At most ~8 labelled decades: ΔLoss can span 1e-3 … 1e37, and 41 labels would overprint each other.
  const step = Math.ceil((b - a) / 8);
  const ticks = Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => 10 ** (a + i * step));
  const s = ((v: number) => {
    const t = v > 0 ? Math.log10(v) : a;
    return r0 + ((Math.min(Math.max(t, a), b) - a) / (b - a)) * (r1 - r0);
  }) as Scale;
  s.ticks = ticks;
  s.log = true;
  return s;
}

/** A tick label: short, no float noise (0.30000000000000004 → 0.3), powers of ten as 1e-3 … 1e3 stay readable. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
