// Frames the encoder's rate control dropped, told apart from a CPU short of time, on per-second
// figures copied from real captures of this machine's Chromium (VP8, stats.csv fps and qp_avg):
// - the motion sample's q at 125-140 kbps: 2-6 fps every second, QP 106 (VP8's ceiling) throughout;
// - the screen sample's q in top-off: 30 fps at QP 16-29, then a slide change: 20 fps at QP 87;
// - a CPU-starved layer (the busy-loop child of busyMachine.browser): fewer frames at the QP it had.
import { describe, expect, it } from 'vitest';
import { rateControlSeconds, underRatePressure } from '../src/capture/rateControl.js';
import { checkScenario } from '../src/capture/validity.js';
import type { LayerRecord } from '../src/rundir/RunTypes.js';

const motionQ = [5.99, 3, 4.01, 4, 5.01, 3, 4.99, 5, 4, 4.01, 5, 2].map((fps) => ({ fps, qp: 106 }));
const screenQ = [
  { fps: 30.01, qp: 28.87 },
  { fps: 30.01, qp: 16.2 },
  { fps: 29.02, qp: 17.79 },
  { fps: 20, qp: 87.15 },
];
const cpuStarved = [
  { fps: 30, qp: 40 },
  { fps: 21, qp: 38 },
  { fps: 19, qp: 36 },
  { fps: 22, qp: 41 },
];

describe('which seconds are rate control under pressure', () => {
  it('VP8 at QP 106 is at its ceiling (q_trans[56]), and so is a mean of 99 over a second; 95 is not; no ceiling is assumed for H.264', () => {
    expect(underRatePressure('vp8', 106, undefined)).toBe(true);
    expect(underRatePressure('vp8', 99, undefined)).toBe(true);
    expect(underRatePressure('vp8', 95, undefined)).toBe(false);
    expect(underRatePressure('h264', 51, undefined)).toBe(false);
  });

  it('motion: every second at the ceiling, so no second is left to judge the CPU by', () => {
    expect(rateControlSeconds('vp8', motionQ)).toEqual({ seconds: 12, fpsOtherwise: undefined });
  });

  it('screen: the slide change (QP 87 against a median of 28.87) is rate control; the others ran at 29.7 fps', () => {
    const rc = rateControlSeconds('vp8', screenQ);
    expect(rc.seconds).toBe(1);
    expect(rc.fpsOtherwise).toBeCloseTo((30.01 + 30.01 + 29.02) / 3, 6);
  });

  it('a CPU-starved layer keeps its QP: no second is rate control', () => {
    expect(rateControlSeconds('vp8', cpuStarved)).toEqual({ seconds: 0, fpsOtherwise: 23 });
  });

  it('a QP of 3 against a median of 1 is noise, not pressure (at least 10 above the median)', () => {
    expect(underRatePressure('vp8', 3, 1)).toBe(false);
    expect(underRatePressure('vp8', 25, 10)).toBe(true);
  });
});

function layer(fps: number, rateControl?: { seconds: number; fpsOtherwise?: number }, sourceFps?: number): LayerRecord {
  return {
    rid: 'q',
    active: true,
    configured: { width: 320, height: 180, fps: 30 },
    framesCaptured: 100,
    framesEncoded: 100,
    steady: {
      fromS: 2,
      toS: 8,
      seconds: 6,
      fps,
      width: 320,
      height: 180,
      qpMean: 106,
      limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 6 },
      ...(rateControl ? { rateControl } : {}),
      ...(sourceFps !== undefined ? { sourceFps } : {}),
    },
  };
}

describe('the validity guard with rate control', () => {
  const scenario = { id: 's', codec: 'vp8', encodings: [{ rid: 'q', active: true }] } as never;
  const input = { width: 320, height: 180, fps: 30 };

  it('a low frame rate rate control explains is a note naming the cause, not a problem', () => {
    const v = checkScenario(scenario, input, [layer(4.2, { seconds: 6 })]);
    expect(v.problems).toEqual([]);
    expect(v.notes.join('\n')).toMatch(/q: 4\.2 fps in steady state of 30: the encoder's rate control dropped frames/);
  });

  it('still a problem when the other seconds ran slow too (24 fps < 27)', () => {
    const v = checkScenario(scenario, input, [layer(22, { seconds: 1, fpsOtherwise: 24 })]);
    expect(v.problems.map((p) => p.kind)).toEqual(['low-framerate']);
  });

  it('still a problem without rate control seconds', () => {
    const v = checkScenario(scenario, input, [layer(22)]);
    expect(v.problems.map((p) => p.kind)).toEqual(['low-framerate']);
  });

  // A q-only layer that sits near its QP ceiling (the camera's q at 150 kbps reads QP >= 95 in some
  // seconds at full rate) while a busy CPU slows the camera: the missing frames never reached the
  // encoder, so rate control cannot have dropped them.
  it('still a problem when the camera handed the encoder too few frames (media-source 21 fps < 27)', () => {
    const v = checkScenario(scenario, input, [layer(12, { seconds: 6 }, 21)]);
    expect(v.problems.map((p) => p.kind)).toEqual(['low-framerate']);
    expect(v.problems[0].message).toMatch(/the camera handed the encoder only 21\.0 fps \(media-source\)/);
    expect(v.notes).toEqual([]);
  });

  it('a note again when the camera kept its rate (media-source 29.9 fps)', () => {
    const v = checkScenario(scenario, input, [layer(12, { seconds: 6 }, 29.9)]);
    expect(v.problems).toEqual([]);
    expect(v.notes).toHaveLength(1);
  });
});
