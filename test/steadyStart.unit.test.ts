// When the steady window starts, on stats timelines whose answer is known by construction:
// numbers shaped like real captures (a fast start, a slow ramp, a top layer held off, a cap).
import { describe, expect, it } from 'vitest';
import type { StatsRow } from '../src/capture/StatsTimeline.js';
import { findSteadyStart, settleProblem } from '../src/capture/steadyStart.js';

type Layer = [target: number, fps: number, bwLimitedS?: number];

/** One interval per entry: its end time and [target kbps, fps, bandwidth-limited s] for q, h, f. */
function timeline(entries: [tS: number, q: Layer, h: Layer, f: Layer, availableKbps?: number][]): StatsRow[] {
  return entries.flatMap(([tS, ...rest], i) => {
    const available = rest[3] as number | undefined;
    return (['q', 'h', 'f'] as const).map((rid, k) => {
      const [target, fps, bw] = rest[k] as Layer;
      return {
        second: i + 1,
        t_s: tS,
        warmup: 0,
        rid,
        target_kbps: target,
        fps,
        limitation_bandwidth_s: bw ?? 0,
        available_outgoing_kbps: available,
      };
    });
  });
}

const rids = ['q', 'h', 'f'];
const base = { activeRids: rids, capped: false, warmupS: 2, latestS: 8 };

describe('findSteadyStart', () => {
  it('starts at the warm-up when everything is on and still from the first second', () => {
    const rows = timeline([
      [1, [143, 20], [500, 15], [2500, 16, 0.16]],
      [2, [150, 30], [500, 30], [2500, 30]],
      [3, [139, 29], [500, 29], [2500, 29]],
      [4, [150, 30], [500, 30], [2500, 30]],
    ]);
    expect(findSteadyStart({ ...base, rows })).toBe(2);
  });

  it('waits while the targets ramp (more than 15% a second) and starts with the first still interval', () => {
    const rows = timeline([
      [1, [125, 9], [417, 2], [1310, 0, 0.7]],
      [2, [75, 6], [268, 25], [1471, 31]],
      [3, [75, 20], [340, 30], [1806, 30]],
      [4, [125, 21], [405, 28], [2058, 28]],
      [5, [150, 22], [500, 29], [2400, 29]],
      [6, [145, 27], [478, 21], [2234, 19]],
      [7, [149, 30], [496, 30], [2460, 30]],
    ]);
    // Interval 5->6 is the first whose targets moved less than 15% from the one before.
    expect(findSteadyStart({ ...base, rows })).toBe(5);
  });

  it('does not count a top layer held off for lack of bandwidth as steady', () => {
    const rows = timeline([
      [1, [150, 30], [500, 30], [0, 0, 1]],
      [2, [150, 30], [500, 30], [0, 0, 1]],
      [3, [150, 30], [500, 30], [0, 0, 1]],
      [4, [150, 30], [500, 30], [1200, 10, 0.6]],
      [5, [150, 30], [500, 30], [2500, 30]],
      [6, [150, 30], [500, 30], [2500, 30]],
      [7, [150, 30], [500, 30], [2500, 30]],
    ]);
    expect(findSteadyStart({ ...base, rows })).toBe(5);
    expect(findSteadyStart({ ...base, rows: rows.filter((r) => r.second <= 3) })).toBeUndefined();
    expect(settleProblem({ ...base, rows: rows.filter((r) => r.second <= 3) })).toBe('f encoded no frame');
  });

  it('never starts after the latest start allowed', () => {
    const rows = timeline([
      [1, [75, 30], [250, 30], [1000, 30]],
      [2, [100, 30], [350, 30], [1500, 30]],
      [3, [150, 30], [500, 30], [2500, 30]],
      [4, [150, 30], [500, 30], [2500, 30]],
      [5, [150, 30], [500, 30], [2500, 30]],
    ]);
    expect(findSteadyStart({ ...base, rows, warmupS: 1, latestS: 1 })).toBeUndefined();
    expect(findSteadyStart({ ...base, rows, warmupS: 1, latestS: 3 })).toBe(3);
    expect(settleProblem({ ...base, rows: rows.slice(0, 6), warmupS: 1, latestS: 1 })).toMatch(
      /target moved from 1000 to 1500 kbps|target moved from 250 to 350 kbps|target moved from 75 to 100 kbps/,
    );
  });

  it('one still second followed by the start-up step is not settled; two still seconds are', () => {
    // As captured (50 kbps start, 1 s warm-up): every target at 1/1.2 of the table for two seconds, then up 20%.
    const rows = timeline([
      [1, [125, 29], [417, 29], [2083, 29]],
      [2, [125, 29], [417, 29], [2083, 29]],
      [3, [150, 29], [500, 29], [2500, 29]],
      [4, [150, 29], [500, 29], [2500, 29]],
      [5, [150, 29], [500, 29], [2500, 29]],
    ]);
    expect(findSteadyStart({ ...base, rows, warmupS: 1, latestS: 1 })).toBeUndefined();
    expect(findSteadyStart({ ...base, rows, warmupS: 1, latestS: 4 })).toBe(3);
    // The live capture asks before the next second exists: not yet.
    expect(
      findSteadyStart({ ...base, rows: rows.filter((r) => r.second <= 4), warmupS: 1, latestS: 4 }),
    ).toBeUndefined();
  });

  it('under a cap, a layer switched off is the behaviour under test: only the estimate and targets must rest', () => {
    const rows = timeline([
      [1, [150, 30], [500, 30], [0, 0, 1], 400],
      [2, [150, 30], [500, 30], [0, 0, 1], 700],
      [3, [150, 30], [500, 30], [0, 0, 1], 760],
      [4, [150, 30], [500, 30], [0, 0, 1], 780],
    ]);
    expect(findSteadyStart({ ...base, rows, capped: true })).toBe(2);
    expect(findSteadyStart({ ...base, rows, capped: false })).toBeUndefined();
  });

  it('waits while a layer still drops frames after the ramp (rate control), then starts with two full-rate seconds', () => {
    // As captured (fuller sweep, h maxBitrate 300k, Chromium 156): targets still by 3 s, but q and h
    // kept dropping frames until 6 s. The window used to start at 3.0 and read as CPU-degraded.
    const rows = timeline([
      [1.003, [125, 6.04], [250, 2.01], [2083.3, 3.02]],
      [2.003, [117.1, 3], [250, 3], [2500, 28]],
      [3.002, [139.4, 16.02], [270.4, 16.02], [2500, 30.03]],
      [4.001, [150, 22.02], [258.7, 16.01], [2500, 30.02]],
      [5.001, [150, 29.01], [285.1, 10], [2398.6, 30.01]],
      [6.004, [141.6, 29.91], [285, 22.93], [2341.6, 30.9]],
      [7.001, [143.7, 29.09], [300, 28.09], [2413.6, 28.09]],
      [8.006, [149.5, 29.86], [300, 29.86], [2457.5, 29.86]],
      [9.004, [150, 31.07], [300, 31.07], [2426.6, 31.07]],
    ]);
    const configuredFps = { q: 30, h: 30, f: 30 };
    expect(findSteadyStart({ ...base, rows, configuredFps })).toBe(6.004);
    expect(settleProblem({ ...base, rows: rows.slice(0, 15), configuredFps })).toBe('h encoded 10 fps of its 30');
    // A layer capped at 15 fps is held to its own rate.
    const halfRate = rows.map((r) => (r.rid === 'h' ? { ...r, fps: Math.min(r.fps ?? 0, 15) } : r));
    expect(findSteadyStart({ ...base, rows: halfRate, configuredFps: { ...configuredFps, h: 15 } })).toBe(5.001);
  });
});

describe('a layer at its QP ceiling (the motion sample: libvpx short of bits drops frames for good)', () => {
  // q, h and f at 3-8 fps from the first second on, every second at VP8's QP ceiling 106
  // (rateControl.ts): the configuration's steady state, not a ramp.
  const rows: StatsRow[] = [1, 2, 3, 4, 5].flatMap((second) =>
    (['q', 'h', 'f'] as const).map((rid, k) => ({
      second,
      t_s: second,
      warmup: 0,
      rid,
      target_kbps: [140, 275, 2300][k],
      fps: [4, 3, 8][k],
      qp_avg: 106,
      limitation_bandwidth_s: 0,
    })),
  );
  const fps = { q: 30, h: 30, f: 30 };

  it('VP8: settled at the warm-up', () => {
    expect(findSteadyStart({ ...base, rows, configuredFps: fps, codec: 'vp8' })).toBe(2);
  });

  it('a codec whose ceiling simq does not know: still ramping (the frame-rate rule holds)', () => {
    expect(findSteadyStart({ ...base, rows, configuredFps: fps, codec: 'h264' })).toBeUndefined();
  });
});

describe('an uncapped estimate still ramping below what the layers ask for', () => {
  // A CI capture (all-layers VP8 with h maxBitrate 900k; warm-up 2, settle wait 6): the estimate climbed
  // from 1 Mbps at 7-8% a second; f came on at 8 s at its 600 kbps min and the targets then held still,
  // f at 10 fps at VP8's QP ceiling. The layers ask for q 150 + h 675 (3/4 of 900) + f 2500 (the top
  // layer's max) = 3325 kbps by libwebrtc's rules (video/config/simulcast.cc): 1.8 Mbps is a ramp.
  // Rows of that capture, seconds 5-10: [second, estimate, [target, fps, qp, bandwidth-limited s] per q/h/f].
  type Cell = [number, number, number, number];
  const seconds: [number, number, Cell, Cell, Cell][] = [
    [5, 1339.2, [143.4, 30, 98, 1], [882.6, 30, 65, 1], [0, 0, 0, 1]],
    [6, 1464.7, [150, 30, 95, 1], [900, 30, 63, 1], [0, 0, 0, 1]],
    [7, 1564, [150, 30, 96, 1], [900, 30, 64, 1], [0, 0, 0, 1]],
    [8, 1709.6, [125, 29, 99, 0.718], [562.5, 30, 73, 0.718], [638.3, 2, 106, 0.718]],
    [9, 1844.1, [137.5, 30, 104, 0], [602.3, 30, 87, 0], [600, 11, 106, 0]],
    [10, 1962.9, [136.8, 30, 101, 0], [601.2, 30, 81, 0], [600, 10, 106, 0]],
  ];
  const rowsWith = (estimate: (second: number, kbps: number) => number): StatsRow[] =>
    seconds.flatMap(([second, kbps, ...cells]) =>
      (['q', 'h', 'f'] as const).map((rid, k) => ({
        second,
        t_s: second,
        warmup: 0,
        rid,
        target_kbps: cells[k][0],
        fps: cells[k][1],
        qp_avg: cells[k][2],
        limitation_bandwidth_s: cells[k][3],
        available_outgoing_kbps: estimate(second, kbps),
      })),
    );
  const input = { ...base, latestS: 10, configuredFps: { q: 30, h: 30, f: 30 }, codec: 'vp8' as const };

  it('not settled while it climbs (the window began at 8 s before), and says why', () => {
    const rows = rowsWith((_, kbps) => kbps);
    expect(findSteadyStart({ ...input, rows })).toBe(8); // what the capture did without the demand
    expect(findSteadyStart({ ...input, rows, demandKbps: 3325 })).toBeUndefined();
    expect(settleProblem({ ...input, rows, demandKbps: 3325 })).toMatch(
      /estimate is still ramping \(1844\.1 to 1962\.9 kbps\), below the 3325 kbps/,
    );
  });

  it('settled when the estimate has stopped below the demand (a loaded loopback backs off and stays)', () => {
    const rows = rowsWith((second, kbps) => (second >= 8 ? 1709.6 + (second % 2) * 40 : kbps));
    expect(findSteadyStart({ ...input, rows, demandKbps: 3325 })).toBe(8);
  });

  it('settled when the estimate climbs above the demand (it covers every layer)', () => {
    const rows = rowsWith((_, kbps) => kbps);
    expect(findSteadyStart({ ...input, rows, demandKbps: 1500 })).toBe(8);
  });
});
