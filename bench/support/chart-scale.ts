/**
 * The numbers of a chart's value axis: a "nice" tick step (1, 2 or 5 times a power of ten) and the
 * top of the axis it gives, and short labels (1.23K, 12.3K, 0.45) that fit above a narrow bar.
 */

export interface AxisScale {
  readonly step: number;
  /** The axis's top: a whole number of steps, at least the largest value (1 step when there is none). */
  readonly top: number;
  readonly ticks: readonly number[];
}

/** About `wanted` steps from 0 to at least `max`. */
export function niceScale(max: number, wanted = 5): AxisScale {
  const raw = max > 0 && Number.isFinite(max) ? max / wanted : 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  // Ticks as multiples of the step, not sums, so that no 0.30000000000000004 shows up.
  const ticks = Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { step, top: ticks[steps]!, ticks };
}

/** At most three significant digits and a K or M suffix, trailing zeros dropped. */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${digits(v / 1e6)}M`;
  if (a >= 1e3) return `${digits(v / 1e3)}K`;
  return digits(v);
}

function digits(v: number): string {
  const a = Math.abs(v);
  const fixed = v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
