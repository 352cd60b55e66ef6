// The validity guard's rules on layer records (the numbers a capture writes into run.json).
import { describe, expect, it } from 'vitest';
import { bandwidthEstimateStuck } from '../src/capture/captureStage.js';
import { checkLayer, checkScenario } from '../src/capture/validity.js';
import type { LayerRecord } from '../src/rundir/RunTypes.js';
import { expandScenarios } from '../src/scenario/expandScenarios.js';
import { PRESETS } from '../src/scenario/presets.js';

function layer(over: Partial<LayerRecord['steady']> = {}, frames = { captured: 300, encoded: 300 }): LayerRecord {
  return {
    rid: 'h',
    active: true,
    configured: { width: 640, height: 360, fps: 30 },
    framesCaptured: frames.captured,
    framesEncoded: frames.encoded,
    steady: {
      fromS: 2,
      toS: 10,
      seconds: 8,
      targetKbpsMedian: 500,
      fps: 29.8,
      width: 640,
      height: 360,
      limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 8 },
      ...over,
    },
  };
}

describe('validity guard', () => {
  it('a healthy layer passes', () => {
    expect(checkLayer(layer(), false)).toEqual([]);
  });
  it('CPU-limited steady-state time is flagged', () => {
    expect(
      checkLayer(layer({ limitationS: { cpu: 1.5, bandwidth: 0, other: 0, none: 6.5 } }), false).map((p) => p.kind),
    ).toEqual(['cpu-limited']);
  });
  it('a layer encoded below its configured size is flagged', () => {
    expect(checkLayer(layer({ width: 480, height: 270 }), false).map((p) => p.kind)).toEqual(['low-resolution']);
  });
  it('a layer below 90% of its configured frame rate is flagged, jitter above it is not', () => {
    expect(checkLayer(layer({ fps: 24 }), false).map((p) => p.kind)).toEqual(['low-framerate']);
    expect(checkLayer(layer({ fps: 27.5 }), false)).toEqual([]);
  });
  it('captured frames that do not match framesEncoded beyond one are flagged', () => {
    expect(checkLayer(layer({}, { captured: 299, encoded: 300 }), false)).toEqual([]);
    expect(checkLayer(layer({}, { captured: 290, encoded: 300 }), false).map((p) => p.kind)).toEqual(['frame-count']);
  });
  it('a layer the stats show sending at 29.8 fps with no frame through the tap is flagged, even with no framesEncoded', () => {
    // Firefox 140 ESR dropped the sender's stats after the camera stopped: framesEncoded read 0, and
    // 0 = 0 hid that no frame was written (a CI run's Firefox layers had no bitstream).
    expect(checkLayer(layer({}, { captured: 0, encoded: 0 }), false).map((p) => p.kind)).toEqual(['frame-count']);
    expect(checkLayer(layer({}, { captured: 0, encoded: 0 }), true).map((p) => p.kind)).toEqual(['frame-count']);
  });
  it('a layer switched off by the allocator under a cap is the behaviour under test', () => {
    const off = layer({ fps: 0 }, { captured: 0, encoded: 0 });
    expect(checkLayer(off, true)).toEqual([]);
    expect(checkLayer(off, false).map((p) => p.kind)).toEqual(['missing']);
  });
  it('an SVC point whose every steady picture shows a lower layer was never sent: missing unless capped', () => {
    // Each picture of point S2 falls back to S1 or S0 where the encoder skipped S2 (svcCut.ts), so its
    // frame rate stays at the clip's: only the pictures' count tells that S2 never came on.
    const point = (lower: number): LayerRecord => ({
      ...layer({ fps: 29.5 }),
      rid: 'f-S2',
      svcPoint: {
        of: 'f',
        spatial: 2,
        temporalLayers: 3,
        frames: 400,
        packets: 180,
        lowerLayerPictures: lower,
        steadyPictures: 177,
      },
    });
    expect(checkLayer(point(177), false).map((p) => p.message)).toEqual([
      'f-S2: spatial layer 2 was never sent in steady state (all 177 pictures show a lower layer)',
    ]);
    expect(checkLayer(point(177), true)).toEqual([]);
    expect(checkLayer(point(40), false)).toEqual([]);
  });
  it('inactive layers are not checked', () => {
    expect(checkLayer({ ...layer({ fps: 0 }), active: false }, false)).toEqual([]);
  });
});

describe('a bandwidth estimate stuck at its start value (retried once)', () => {
  const at = (kbps: number, fps: number) => layer({ availableOutgoingKbpsMedian: kbps, fps });
  it('is recognised: higher layers never on while the estimate sat near 300 kbps', () => {
    expect(bandwidthEstimateStuck([at(316, 20), at(316, 0), at(316, 0)], undefined)).toBe(true);
    expect(bandwidthEstimateStuck([at(316, 20), at(316, 0)], 1_500_000)).toBe(true);
  });
  it('is recognised for SVC: the top spatial layer never on, its point showing only lower-layer pictures', () => {
    // A CI run's AV1 L3T3: the estimate near 360 kbps for the whole window, S0's target 118 of 142 kbps.
    const svc = (kbps: number, lower: number): LayerRecord => ({
      ...at(kbps, 29.5),
      rid: 'f-S2',
      svcPoint: {
        of: 'f',
        spatial: 2,
        temporalLayers: 3,
        frames: 300,
        packets: 180,
        lowerLayerPictures: lower,
        steadyPictures: 177,
      },
    });
    expect(bandwidthEstimateStuck([at(360, 29.5), svc(360, 177)], undefined)).toBe(true);
    expect(bandwidthEstimateStuck([at(4770, 29.5), svc(4770, 40)], undefined)).toBe(false);
    expect(bandwidthEstimateStuck([at(360, 29.5), svc(360, 40)], undefined)).toBe(false);
  });
  it('is not confused with a healthy run, or with a cap that small', () => {
    expect(bandwidthEstimateStuck([at(5000, 30), at(5000, 30), at(5000, 30)], undefined)).toBe(false);
    expect(bandwidthEstimateStuck([at(300, 30), at(300, 0), at(300, 0)], 300_000)).toBe(false);
    expect(bandwidthEstimateStuck([at(316, 30), at(316, 30)], undefined)).toBe(false);
  });
});

describe('a layer libwebrtc does not send for the input size', () => {
  // Measured (Chromium 156, 640x360 camera, all-layers, every codec): q 160x90 and h 320x180 carried
  // frames, f's outbound-rtp none. That is encoder_stream_factory.cc's layer limit, not CPU load.
  const [scenario] = expandScenarios([structuredClone(PRESETS['all-layers'])], { codecs: ['vp8'] });
  const sized = (rid: string, w: number, h: number) => ({
    ...layer({ width: w, height: h }),
    rid,
    configured: { width: w, height: h, fps: 30 },
  });
  const silent = (rid: string): LayerRecord => ({
    rid,
    active: true,
    configured: { width: 640, height: 360, fps: 30 },
    framesCaptured: 0,
    framesEncoded: 0,
    steady: { ...layer().steady!, fps: 0, width: undefined, height: undefined },
  });
  const measured = [sized('q', 160, 90), sized('h', 320, 180), silent('f')];

  it('is a note naming the stream count and the libwebrtc file, not a problem', () => {
    const v = checkScenario(scenario, { width: 640, height: 360, fps: 30 }, measured);
    expect(v.problems).toEqual([]);
    expect(v.notes).toEqual(['f: not sent: libwebrtc sends 2 streams for a 640x360 input (encoder_stream_factory.cc)']);
  });
  it('the same silent f on a 1280x720 input is still a problem', () => {
    const v = checkScenario(scenario, { width: 1280, height: 720, fps: 30 }, measured);
    expect(v.problems.map((p) => [p.rid, p.kind])).toEqual([['f', 'missing']]);
    expect(v.notes).toEqual([]);
  });
});
