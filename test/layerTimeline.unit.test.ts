// A sent layer over time, on hand-made frame times: VMAF per second, the time the layer was off (gaps
// longer than OFF_GAP_S between its frames, and after its last frame until the scenario's last),
// and the switches (off and on again: 2 per gap; 1 for an off at the end).
import { describe, expect, it } from 'vitest';
import { layerTimeline, OFF_GAP_S } from '../src/measure/layerTimeline.js';
import { perSecondMeans } from '../src/measure/perSecond.js';

const at30 = (fromS: number, toS: number) =>
  Array.from({ length: Math.round((toS - fromS) * 30) + 1 }, (_, i) => fromS + i / 30);

describe('per-second means', () => {
  it('buckets by whole second, in time order; undefined values do not count', () => {
    expect(perSecondMeans([3.2, 2.0, 2.5, 3.9, 4.1], [60, 80, 90, undefined, 10])).toEqual([
      { second: 2, mean: 85, count: 2 },
      { second: 3, mean: 60, count: 2 },
      { second: 4, mean: 10, count: 1 },
    ]);
  });
});

describe('a layer switched off and on', () => {
  it('on 2..4 s, off until 5.5 s, on until 6 s, off until the scenario ends at 8 s: 3.5 s off, 3 switches', () => {
    const t = layerTimeline([...at30(2, 4), ...at30(5.5, 6)], 8, []);
    expect(t.offPeriods).toEqual([
      { fromS: 4, toS: 5.5 },
      { fromS: 6, toS: 8 },
    ]);
    expect(t.offS).toBeCloseTo(3.5, 3);
    expect(t.switches).toBe(3);
  });

  it('a gap of exactly OFF_GAP_S (a frame-rate dip) is not off; VMAF per second from the pictures', () => {
    const t = layerTimeline([2, 2 + OFF_GAP_S, 3], 3, [
      { timeS: 2.1, vmaf: 80 },
      { timeS: 2.9, vmaf: 70 },
      { timeS: 3.0, vmaf: 40 },
    ]);
    expect([t.offS, t.switches]).toEqual([0, 0]);
    expect(t.vmafPerSecond).toEqual([
      { second: 2, vmaf: 75 },
      { second: 3, vmaf: 40 },
    ]);
  });
});
