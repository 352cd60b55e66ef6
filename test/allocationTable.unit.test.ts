// Layer resolutions and table bitrates. Expected numbers are written from
// libwebrtc's simulcast tables (video/config/simulcast.cc) (the tables and "interpolated by pixel count" rule) and from
// the encoder_stream_factory.cc rules as described in the model's comments, computed by hand here.
import { describe, expect, it } from 'vitest';
import { predictAllocation } from '../src/allocation/predictAllocation.js';
import { normalizeInputResolution, scaleResolutionDownBy } from '../src/allocation/LayerResolution.js';
import { interpolateSimulcastFormat, limitSimulcastLayerCount } from '../src/allocation/SimulcastTable.js';
import type { RtpEncodingParameters } from '../src/scenario/ScenarioTypes.js';

const qhf = (over: Partial<Record<'q' | 'h' | 'f', Partial<RtpEncodingParameters>>> = {}): RtpEncodingParameters[] =>
  (
    [
      { rid: 'q', scaleResolutionDownBy: 4, active: true },
      { rid: 'h', scaleResolutionDownBy: 2, active: true },
      { rid: 'f', scaleResolutionDownBy: 1, active: true },
    ] as RtpEncodingParameters[]
  ).map((e) => ({ ...e, ...over[e.rid as 'q' | 'h' | 'f'] }));

const kbps = (bps: number) => Math.trunc(bps / 1000);

describe('table rows (doc tables)', () => {
  // [codec, width, height, max, target, min] straight from the doc's two tables.
  const rows: [string, number, number, number, number, number][] = [
    ['vp8', 1920, 1080, 5000, 4000, 800],
    ['vp8', 1280, 720, 2500, 2500, 600],
    ['vp8', 960, 540, 1200, 1200, 350],
    ['vp8', 640, 360, 700, 500, 150],
    ['vp8', 480, 270, 450, 350, 150],
    ['vp8', 320, 180, 200, 150, 30],
    ['h264', 640, 360, 700, 500, 150],
    ['vp9', 1920, 1080, 3367, 3367, 769],
    ['vp9', 1280, 720, 1524, 1524, 481],
    ['vp9', 960, 540, 879, 879, 337],
    ['vp9', 640, 360, 420, 420, 193],
    ['vp9', 480, 270, 257, 257, 121],
    ['vp9', 320, 180, 142, 142, 30],
    ['vp9', 240, 135, 101, 101, 30],
    ['av1', 640, 360, 420, 420, 193],
  ];
  it.each(rows)('%s %ix%i -> %i/%i/%i kbps', (codec, w, h, max, target, min) => {
    const f = interpolateSimulcastFormat(codec as 'vp8', w, h, { lowresInterpolation: false });
    expect([f.maxBps, f.targetBps, f.minBps]).toEqual([max * 1000, target * 1000, min * 1000]);
  });

  it('interpolates by pixel count between two rows (VP8 800x450: weight 0.55 towards 640x360)', () => {
    // 800x450 = 360000 px; 960x540 = 518400, 640x360 = 230400 -> (518400-360000)/(518400-230400) = 0.55
    const f = interpolateSimulcastFormat('vp8', 800, 450, { lowresInterpolation: false });
    expect(kbps(f.maxBps)).toBe(Math.trunc(1200 * 0.45 + 700 * 0.55)); // 925
    expect(kbps(f.targetBps)).toBe(Math.trunc(1200 * 0.45 + 500 * 0.55)); // 815
    expect(kbps(f.minBps)).toBe(Math.trunc(350 * 0.45 + 150 * 0.55)); // 240
  });

  it('below the smallest row: held at that row by default, towards 0x0 with the low-res trial', () => {
    // 240x135 with VP8: 32400 px, below 320x180 (57600). Doc: "below 320x180 towards the 0x0 row";
    // libwebrtc does that only with WebRTC-LowresSimulcastBitrateInterpolation, else keeps 200/150/30.
    const held = interpolateSimulcastFormat('vp8', 240, 135, { lowresInterpolation: false });
    expect([kbps(held.maxBps), kbps(held.targetBps), kbps(held.minBps)]).toEqual([200, 150, 30]);
    const towardsZero = interpolateSimulcastFormat('vp8', 240, 135, { lowresInterpolation: true });
    const w = 32400 / 57600; // share of the 320x180 row
    expect(kbps(towardsZero.maxBps)).toBe(Math.trunc(200 * w)); // 112
    expect(kbps(towardsZero.targetBps)).toBe(Math.trunc(150 * w)); // 84
    expect(kbps(towardsZero.minBps)).toBe(30);
  });

  it('max layers for the input size, with the 10 % round-up', () => {
    expect(interpolateSimulcastFormat('vp8', 1280, 720, { lowresInterpolation: false }).maxLayers).toBe(3);
    expect(interpolateSimulcastFormat('vp8', 640, 360, { lowresInterpolation: false }).maxLayers).toBe(2);
    // 940x530 is within 10 % (by the pixel weight) of 960x540 -> 3 layers; 800x450 is not -> 2.
    expect(interpolateSimulcastFormat('vp8', 940, 530, { lowresInterpolation: false }).maxLayers).toBe(3);
    expect(interpolateSimulcastFormat('vp8', 800, 450, { lowresInterpolation: false }).maxLayers).toBe(2);
    // Never below the highest active encoding.
    expect(limitSimulcastLayerCount('vp8', 640, 360, 3, 3)).toBe(3);
    expect(limitSimulcastLayerCount('vp8', 640, 360, 2, 3)).toBe(2);
    expect(limitSimulcastLayerCount('vp8', 320, 180, 1, 3)).toBe(1);
  });
});

describe('layer resolutions (encoder_stream_factory.cc rules)', () => {
  it('divides by the scale factor and rounds', () => {
    expect(scaleResolutionDownBy({ width: 1280, height: 720 }, 4)).toEqual({ width: 320, height: 180 });
    expect(scaleResolutionDownBy({ width: 1280, height: 720 }, 3)).toEqual({ width: 427, height: 240 }); // 426.67
    expect(scaleResolutionDownBy({ width: 1280, height: 720 }, 1.5)).toEqual({ width: 853, height: 480 }); // 853.33
  });

  it('keeps the short side at 16 pixels or more', () => {
    // 160x90 / 8 would be 20x11: the scale becomes 90/16 = 5.625 -> 28.4x16
    expect(scaleResolutionDownBy({ width: 160, height: 90 }, 8)).toEqual({ width: 28, height: 16 });
    expect(scaleResolutionDownBy({ width: 16, height: 16 }, 4)).toEqual({ width: 16, height: 16 });
  });

  it('rounds the input down to a multiple of the largest power-of-two factor', () => {
    expect(normalizeInputResolution({ width: 1283, height: 721 }, [4, 2, 1])).toEqual({ width: 1280, height: 720 });
    expect(normalizeInputResolution({ width: 1283, height: 721 }, [3, 1.5, 1])).toEqual({ width: 1283, height: 721 });
    expect(normalizeInputResolution({ width: 1283, height: 721 }, [1, 1, 1])).toEqual({ width: 1283, height: 721 });
  });

  it('a 960x540 input gives 240x135 / 480x270 / 960x540 with the doc rows', () => {
    const p = predictAllocation({ codec: 'vp8', encodings: qhf() }, { width: 960, height: 540, fps: 30 }, null);
    const got = p.layers.map((l) => [l.width, l.height, kbps(l.minBps), kbps(l.targetBps), kbps(l.maxBps)]);
    expect(got).toEqual([
      [240, 135, 30, 150, 200], // below 320x180: held at the 320x180 row
      [480, 270, 150, 350, 450], // doc row 480x270
      [960, 540, 350, 1200, 1200], // doc row 960x540
    ]);
    // Unconstrained: lower layers at target, the top one up to its max.
    expect(p.layers.map((l) => kbps(l.allocatedBps))).toEqual([150, 350, 1200]);
  });

  it('a non-table 1600x900 input interpolates every layer (weight 0.55 each)', () => {
    const p = predictAllocation({ codec: 'vp8', encodings: qhf() }, { width: 1600, height: 900, fps: 30 }, null);
    const mix = (up: number, down: number) => Math.trunc(up * 0.45 + down * 0.55);
    const q = p.layers[0];
    const h = p.layers[1];
    const f = p.layers[2];
    expect([q.width, q.height, h.width, h.height, f.width, f.height]).toEqual([400, 225, 800, 450, 1600, 900]);
    // q between 480x270 and 320x180; its min is the first stream's 30 kbps.
    expect([kbps(q.minBps), kbps(q.targetBps), kbps(q.maxBps)]).toEqual([30, mix(350, 150), mix(450, 200)]);
    expect([kbps(h.minBps), kbps(h.targetBps), kbps(h.maxBps)]).toEqual([
      mix(350, 150),
      mix(1200, 500),
      mix(1200, 700),
    ]);
    expect([kbps(f.minBps), kbps(f.targetBps), kbps(f.maxBps)]).toEqual([
      mix(800, 600),
      mix(4000, 2500),
      mix(5000, 2500),
    ]);
    // Ample bandwidth: q and h at target, f (top) at its max.
    expect(p.layers.map((l) => kbps(l.allocatedBps))).toEqual([mix(350, 150), mix(1200, 500), mix(5000, 2500)]);
  });

  it('a small input keeps the layers its size allows, at least up to the first active one (browser: 640x360 sends q and h)', () => {
    // Chromium 156, 640x360 camera, q/h/f at 4/2/1, every codec: outbound-rtp for q (160x90) and h
    // (320x180) carry frames, f none (data/validation-matrix.json, input 640x360).
    const all = predictAllocation({ codec: 'vp8', encodings: qhf() }, { width: 640, height: 360, fps: 30 }, null);
    expect(all.layers.map((l) => l.state)).toEqual(['on', 'on', 'dropped']);
    const topOff = predictAllocation(
      { codec: 'vp8', encodings: qhf({ f: { active: false } }) },
      { width: 640, height: 360, fps: 30 },
      null,
    );
    expect(topOff.layers.map((l) => l.state)).toEqual(['on', 'on', 'dropped']);
    // q inactive: the first active encoding is h, so two are still enough.
    const lowOff = predictAllocation(
      { codec: 'vp8', encodings: qhf({ q: { active: false } }) },
      { width: 640, height: 360, fps: 30 },
      null,
    );
    expect(lowOff.layers.map((l) => l.state)).toEqual(['inactive', 'on', 'dropped']);
  });
});
