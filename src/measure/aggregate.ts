// Per-layer aggregates of per-frame metrics: mean, harmonic mean, 5th percentile, min.

export interface Aggregate {
  mean?: number;
  hmean?: number;
  p5?: number;
  min?: number;
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Harmonic mean as VMAF's tools pool it: n / sum(1 / (1 + x)) - 1, so a frame scoring 0 does not
 * make the result undefined, while low frames still weigh more than in the arithmetic mean.
 */
export function harmonicMean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.length / values.reduce((a, v) => a + 1 / (1 + v), 0) - 1;
}

/** The middle value; for an even count the mean of the two middle values (numpy's median). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function aggregate(values: readonly (number | undefined)[]): Aggregate {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (v.length === 0) return {};
  return { mean: mean(v), hmean: harmonicMean(v), p5: percentile(v, 5), min: Math.min(...v) };
}

export function round(value: number | undefined, digits: number): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
