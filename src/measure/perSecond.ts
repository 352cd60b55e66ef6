// Quality over time: values bucketed by whole second of the scenario's time base (issue 22 item 4:
// VMAF per second per layer and per viewer).
import { mean } from './aggregate.js';

export interface SecondMean {
  /** floor(time in s). */
  second: number;
  mean?: number;
  /** Values in this second (defined or not). */
  count: number;
}

/** Per whole second touched by `timesS`, the mean of the defined `values` at those times, in time order. */
export function perSecondMeans(timesS: readonly number[], values: readonly (number | undefined)[]): SecondMean[] {
  const by = new Map<number, (number | undefined)[]>();
  timesS.forEach((t, i) => {
    const s = Math.floor(t);
    if (!by.has(s)) by.set(s, []);
    by.get(s)!.push(values[i]);
  });
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, v]) => ({
      second,
      mean: mean(v.filter((x): x is number => x !== undefined && Number.isFinite(x))),
      count: v.length,
    }));
}
