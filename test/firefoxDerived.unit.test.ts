// The numbers simq derives where Firefox reports none, on frame lists made by hand with known gaps.
import { describe, expect, it } from 'vitest';
import { deriveLayer, derivedCpuLimited } from '../src/capture/firefoxDerived.js';
import type { LayerFrameRow } from '../src/rundir/CsvTypes.js';
import type { SteadyState } from '../src/rundir/RunTypes.js';

const steady = (fromS: number, toS: number): SteadyState => ({
  fromS,
  toS,
  seconds: toS - fromS,
  fps: 30,
  limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 0 },
});
const frame = (i: number, time: number, bytes = 1000): LayerFrameRow => ({
  frame_index: i,
  rtp_timestamp: i * 3000,
  time_s: time,
  bytes,
  type: 'delta',
  width: 640,
  height: 360,
});
const enc = [{ rid: 'f', scaleResolutionDownBy: 1, active: true }];

describe('deriveLayer', () => {
  it('bitrate from the tapped bytes inside the steady window only', () => {
    // 2 s window at 30 fps, 1000 bytes a frame: 60 frames x 8000 bits / 2 s = 240 kbps; frames outside are ignored.
    const frames = Array.from({ length: 120 }, (_, i) => frame(i, i / 30));
    const d = deriveLayer(enc, 0, { width: 640, height: 360 }, 30, frames, steady(1, 3 - 1e-9));
    expect(d.source).toBe('derived');
    expect(d.bitrateFromFramesKbps).toBeCloseTo(240, 0);
    expect(d.cpuLimitedS).toBe(0);
    expect(d.geckoAllocation).toMatchObject({ minKbps: 150, startKbps: 500, maxKbps: 2000 });
  });

  it('counts time lost in gaps of more than 2.5 frame intervals as CPU-limited', () => {
    // 30 fps, frames 10..18 missing: frame 9 at 0.300 s, frame 19 at 0.633 s, a 333 ms gap of which 300 ms were lost.
    const times = Array.from({ length: 60 }, (_, i) => i / 30).filter((_, i) => i < 10 || i > 18);
    const d = deriveLayer(
      enc,
      0,
      { width: 640, height: 360 },
      30,
      times.map((t, i) => frame(i, t)),
      steady(0, 2),
    );
    expect(d.longestTapGapMs).toBe(333);
    expect(d.cpuLimitedS).toBeCloseTo(0.3, 2);
    expect(derivedCpuLimited(d, 2)).toBe(true);
    // A steady 30 fps with jitter under 2.5 intervals is not.
    const jitter = Array.from({ length: 60 }, (_, i) => frame(i, i / 30 + (i % 2 ? 0.02 : 0)));
    const j = deriveLayer(enc, 0, { width: 640, height: 360 }, 30, jitter, steady(0, 2));
    expect(j.cpuLimitedS).toBe(0);
    expect(derivedCpuLimited(j, 2)).toBe(false);
  });
});
