// libwebrtc's own unit tests, re-run against simq's model. Each `it` is named after the upstream test
// it restates (file in brackets); the expected values are the upstream test's, not simq output.
// Upstream: video/config/encoder_stream_factory_unittest.cc, modules/video_coding/svc/
// svc_rate_allocator_unittest.cc, pc/peer_connection_encodings_integrationtest.cc,
// rtc_base/experiments/encoder_info_settings.cc (tables). svc_rate_allocator_unittest.cc values
// are from libwebrtc main of 2025-06-20 (JumpingYang001/webrtc mirror, commit bb9331cfbe98), the
// revision upstreamSvc.unit.test.ts cites; the encoder_stream_factory_unittest.cc cases are from
// later main (2025-2026: the ScaleDownBy* and ...DownToTakesPrecedenceOverBy tests postdate it).
import { describe, expect, it } from 'vitest';
import { predictAllocation } from '../src/allocation/predictAllocation.js';
import { singlecastLimits } from '../src/allocation/SinglecastLimits.js';
import { streamResolutions } from '../src/allocation/StreamResolutions.js';
import { allocateSvc, temporalSplit } from '../src/allocation/SvcRateAllocator.js';
import { validateDefinition } from '../src/scenario/loadScenarios.js';
import type { SvcConfiguration } from '../src/allocation/SvcTypes.js';
import type { Codec, ContentHint, RtpEncodingParameters } from '../src/scenario/ScenarioTypes.js';

/** Encodings as a scenario file would give them (through the real validator: unset fields stay unset). */
function encodings(raw: Record<string, unknown>[]): RtpEncodingParameters[] {
  return validateDefinition({ name: 't', encodings: raw }, 'test').encodings;
}

/** CreateStreamResolutions of the upstream test: VP8, n encodings, no scale set, layers from `firstActive` on active. */
function createStreamResolutions(n: number, width: number, height: number, firstActive = 0) {
  const encs = encodings(Array.from({ length: n }, (_, i) => ({ rid: `r${i}`, active: i >= firstActive })));
  // libwebrtc's own API: no factor set means libwebrtc halves (Chrome fills in 2^(n-1-i) instead).
  const r = streamResolutions('vp8', { width, height }, encs, 'libwebrtc');
  return r.sizes.slice(0, r.kept);
}

const sizes = (list: { width: number; height: number }[]) => list.map((s) => `${s.width}x${s.height}`);

function predict(
  codec: Codec,
  raw: Record<string, unknown>[],
  input = { width: 1280, height: 720 },
  contentHint: ContentHint = '',
) {
  return predictAllocation({ codec, encodings: encodings(raw), contentHint }, { ...input, fps: 30 }, null);
}

describe('encoder_stream_factory_unittest.cc: stream count and resolutions', () => {
  it('KeepsStreamCountUnchangedWhenResolutionIsHigh (encoder_stream_factory_unittest.cc)', () => {
    expect(createStreamResolutions(3, 1000, 1000)).toHaveLength(3);
  });
  it('ReducesStreamCountWhenResolutionIsLow (encoder_stream_factory_unittest.cc)', () => {
    expect(createStreamResolutions(3, 100, 100)).toHaveLength(1);
  });
  it('ReducesStreamCountDownToFirstActiveStream (encoder_stream_factory_unittest.cc)', () => {
    expect(createStreamResolutions(3, 100, 100, 1)).toHaveLength(2);
  });
  it('KeepsHighResolutionWhenStreamCountIsReduced (encoder_stream_factory_unittest.cc)', () => {
    expect(sizes(createStreamResolutions(3, 640, 360))).toEqual(['320x180', '640x360']);
  });
  it('KeepsResolutionUnchangedWhenAligned (encoder_stream_factory_unittest.cc)', () => {
    expect(sizes(createStreamResolutions(2, 516, 526))).toEqual(['258x263', '516x526']);
  });
  it('AdjustsResolutionWhenUnaligned (encoder_stream_factory_unittest.cc)', () => {
    expect(sizes(createStreamResolutions(2, 515, 517))).toEqual(['257x258', '514x516']);
  });

  const byScales = (scales: (number | undefined)[], width: number, height: number) => {
    const encs = encodings(
      scales.map((s, i) => (s === undefined ? { rid: `r${i}` } : { rid: `r${i}`, scaleResolutionDownBy: s })),
    );
    const r = streamResolutions('vp8', { width, height }, encs, 'libwebrtc');
    return sizes(r.sizes.slice(0, r.kept));
  };
  it('ScaleResolutionDownByWithPartiallySetScaleFactors (encoder_stream_factory_unittest.cc)', () => {
    expect(byScales([2, undefined], 1280, 720)).toEqual(['640x360', '1280x720']);
  });
  it('ScaleDownByWithUnalignResolutionDyadicScaling (encoder_stream_factory_unittest.cc)', () => {
    expect(byScales([1, 2], 513, 1025)).toEqual(['512x1024', '256x512']);
  });
  it('ScaleDownByWithUnalignResolutionNonDyadicScaling (encoder_stream_factory_unittest.cc)', () => {
    expect(byScales([1, 3], 513, 1025)).toEqual(['513x1025', '171x342']);
  });
  it('ScaleDownByNormalizesResolutionUpToMaxScaleFactor (encoder_stream_factory_unittest.cc)', () => {
    expect(byScales([1, 1, 2], 511, 1027)).toEqual(['510x1026', '510x1026', '255x513']);
  });
  it('ScaleDownByWithUnalignedResolutionLargeScaleFactor (encoder_stream_factory_unittest.cc)', () => {
    expect(byScales([1024], 513, 1025)).toEqual(['16x32']);
  });

  const byBox = (boxes: [number, number][], width: number, height: number, extra: Record<string, unknown> = {}) =>
    encodings(
      boxes.map(([w, h], i) => ({ rid: `r${i}`, scaleResolutionDownTo: { maxWidth: w, maxHeight: h }, ...extra })),
    );
  it('SimulcastScaleResolutionDownToUnrestricted (encoder_stream_factory_unittest.cc)', () => {
    const r = streamResolutions(
      'vp8',
      { width: 1280, height: 720 },
      byBox(
        [
          [320, 180],
          [640, 360],
          [1280, 720],
        ],
        1280,
        720,
      ),
    );
    expect(sizes(r.sizes.slice(0, r.kept))).toEqual(['320x180', '640x360', '1280x720']);
  });
  it('SinglecastScaleResolutionDownTo (encoder_stream_factory_unittest.cc)', () => {
    const p = predictAllocation(
      { codec: 'vp8', encodings: byBox([[640, 360]], 1280, 720) },
      { width: 1280, height: 720, fps: 30 },
      null,
    );
    expect(sizes(p.layers)).toEqual(['640x360']);
  });
  it('SinglecastScaleResolutionDownToTakesPrecedenceOverBy (encoder_stream_factory_unittest.cc)', () => {
    const p = predictAllocation(
      { codec: 'vp8', encodings: byBox([[960, 650]], 1280, 720, { scaleResolutionDownBy: 2 }) },
      { width: 1280, height: 720, fps: 30 },
      null,
    );
    expect(sizes(p.layers)).toEqual(['960x540']);
  });
});

describe('encoder_stream_factory_unittest.cc: OverrideStreamSettings', () => {
  // Screencast content, two encodings at scale 1 on a 1920x1080 input: {5 fps, max 420k, L1T2} and {30 fps, max 2500k, L1T2}.
  const raw = [
    { rid: 'a', scaleResolutionDownBy: 1, maxFramerate: 5, maxBitrate: 420_000, scalabilityMode: 'L1T2' },
    { rid: 'b', scaleResolutionDownBy: 1, maxFramerate: 30, maxBitrate: 2_500_000, scalabilityMode: 'L1T2' },
  ];
  const expectStreams = (codec: Codec, secondMin: number) => {
    const p = predict(codec, raw, { width: 1920, height: 1080 }, 'detail');
    expect(p.layers.map((l) => [l.width, l.height, l.maxFramerate, l.minBps, l.targetBps, l.maxBps])).toEqual([
      [1920, 1080, 5, 30_000, 420_000, 420_000],
      [1920, 1080, 30, secondMin, 2_500_000, 2_500_000],
    ]);
  };
  it('OverrideStreamSettings, Vp8H264Screencast (encoder_stream_factory_unittest.cc)', () => {
    expectStreams('vp8', 800_000);
    expectStreams('h264', 800_000);
  });
  it('OverrideStreamSettings, Av1Vp9H265Screencast (encoder_stream_factory_unittest.cc)', () => {
    expectStreams('vp9', 769_000);
    expectStreams('av1', 769_000);
  });
});

describe('the layers Chrome sends for a small input (encoder_stream_factory.cc, browser-checked)', () => {
  it('640x360 input, q/h/f at 4/2/1: the first two encodings are sent (160x90, 320x180), f is not', () => {
    const p = predict(
      'vp8',
      [
        { rid: 'q', scaleResolutionDownBy: 4 },
        { rid: 'h', scaleResolutionDownBy: 2 },
        { rid: 'f', scaleResolutionDownBy: 1 },
      ],
      { width: 640, height: 360 },
    );
    expect(p.layers.map((l) => [l.rid, l.state, `${l.width}x${l.height}`])).toEqual([
      ['q', 'on', '160x90'],
      ['h', 'on', '320x180'],
      ['f', 'dropped', '640x360'],
    ]);
    // h is now the top layer: 320x180's max (200 kbps); q held at 320x180's target (150).
    expect(p.layers.map((l) => l.predictedTargetBps)).toEqual([150_000, 200_000, 0]);
  });
  it('100x100 input: one stream, even with all three active (Chrome scales q by 4: 25x25)', () => {
    const p = predict('vp8', [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }], { width: 100, height: 100 });
    expect(p.layers.map((l) => l.state)).toEqual(['on', 'dropped', 'dropped']);
    expect(sizes([p.layers[0]])).toEqual(['25x25']);
  });
  it('640x360 input, q/h/f without scaleResolutionDownBy: Chrome fills in 4/2/1 (browser: 160x90 and 320x180 sent)', () => {
    const p = predict('vp8', [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }], { width: 640, height: 360 });
    expect(p.layers.map((l) => [l.state, `${l.width}x${l.height}`])).toEqual([
      ['on', '160x90'],
      ['on', '320x180'],
      ['dropped', '640x360'],
    ]);
  });
});

describe('single-stream limits (encoder_info_settings.cc GetDefaultSinglecastBitrateLimits, video_stream_encoder.cc)', () => {
  it('VP9_TargetBitrate_StandardL1T3 (peer_connection_encodings_integrationtest.cc): f L1T3 alone at 1280x720 <= 1500 kbps', () => {
    const p = predict('vp9', [
      { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
      { rid: 'h', scaleResolutionDownBy: 2, scalabilityMode: 'L1T3', active: false },
      { rid: 'q', scaleResolutionDownBy: 4, scalabilityMode: 'L1T3', active: false },
    ]);
    expect(p.simulcast).toBe(false);
    expect(p.layers[0].maxBps).toBe(1_500_000);
    expect(p.layers[0].predictedTargetBps).toBe(1_500_000);
  });
  it('AV1 has its own table: 256 / 384 / 512 / 1024 / 1536 kbps max, min 0, min start 0 / 176 / 256 / 384 / 576 kbps', () => {
    const rows: [number, number, number, number][] = [
      [320, 180, 256_000, 0],
      [480, 270, 384_000, 176_000],
      [640, 360, 512_000, 256_000],
      [960, 540, 1_024_000, 384_000],
      [1280, 720, 1_536_000, 576_000],
    ];
    for (const [w, h, max, start] of rows)
      expect(singlecastLimits('av1', w, h)).toEqual({ pixels: w * h, minBps: 0, maxBps: max, minStartBps: start });
  });
  it('a lone 1280x720 VP9 stream starts below 720p: Chrome starts at 300 kbps, under the 480 kbps min start bitrate (browser: sent at 640x360)', () => {
    const p = predict('vp9', [
      { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
      { rid: 'h', scaleResolutionDownBy: 2, scalabilityMode: 'L1T3', active: false },
    ]);
    expect(p.notes.join(' ')).toMatch(
      /f starts below 1280x720: the 300 kbps start bitrate is under this size's 480 kbps min start bitrate/,
    );
  });
  it('every table has a 1920x1080 row: VP8 5000 kbps, VP9 and AV1 3700 kbps; none above it', () => {
    expect(singlecastLimits('vp8', 1920, 1080)?.maxBps).toBe(5_000_000);
    expect(singlecastLimits('h264', 1600, 900)?.maxBps).toBe(5_000_000);
    expect(singlecastLimits('vp9', 1920, 1080)?.maxBps).toBe(3_700_000);
    expect(singlecastLimits('av1', 1920, 1080)?.maxBps).toBe(3_700_000);
    expect(singlecastLimits('vp8', 2560, 1440)).toBeUndefined();
  });
  it('one active simulcast AV1 stream that is not the first takes the AV1 table (f alone at 1280x720: 1536 kbps)', () => {
    const p = predict('av1', [
      { rid: 'q', scaleResolutionDownBy: 4, scalabilityMode: 'L1T3', active: false },
      { rid: 'h', scaleResolutionDownBy: 2, scalabilityMode: 'L1T3', active: false },
      { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
    ]);
    expect(p.simulcast).toBe(true);
    expect(p.layers[2].maxBps).toBe(1_536_000);
    expect(p.layers[2].predictedTargetBps).toBe(1_536_000);
  });
  it('one active VP9 1080p stream: the 1920x1080 row (3700 kbps)', () => {
    const p = predict(
      'vp9',
      [
        { rid: 'q', scaleResolutionDownBy: 4, scalabilityMode: 'L1T3', active: false },
        { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
      ],
      { width: 1920, height: 1080 },
    );
    expect(p.layers[1].maxBps).toBe(3_700_000);
  });
});

describe('svc_rate_allocator_unittest.cc: temporal split of one VP9/AV1 stream', () => {
  // Configure(kVideoCodecAV1, 1280, 720, 1, T): SetAv1SvcConfig with one spatial layer copies the
  // codec's limits (30 / 5000 kbps), so 1024 kbps all goes to that layer. One function,
  // SvcRateAllocator.ts temporalSplit, serves a single VP9/AV1 stream and each SVC spatial layer.
  const av1SingleLayer = (temporal: number): SvcConfiguration => ({
    codec: 'av1',
    requestedMode: `L1T${temporal}`,
    mode: `L1T${temporal}`,
    layers: [
      {
        index: 0,
        width: 1280,
        height: 720,
        temporalLayers: temporal,
        active: true,
        minBps: 30_000,
        targetBps: 2_515_000,
        maxBps: 5_000_000,
      },
    ],
    codecMaxBps: 5_000_000,
    notes: [],
  });
  it('TwoTemporalLayersAv1 (svc_rate_allocator_unittest.cc): 1024 kbps -> 660645 / 363355 bps', () => {
    expect(temporalSplit(1_024_000, 2)).toEqual([660_645, 363_355]);
    expect(allocateSvc(av1SingleLayer(2), 1_024_000).temporalBps[0]).toEqual([660_645, 363_355]);
  });
  it('ThreeTemporalLayersAv1 (svc_rate_allocator_unittest.cc): 1024 kbps -> 552766 / 167212 / 304022 bps', () => {
    expect(temporalSplit(1_024_000, 3)).toEqual([552_766, 167_212, 304_022]);
    expect(allocateSvc(av1SingleLayer(3), 1_024_000).temporalBps[0]).toEqual([552_766, 167_212, 304_022]);
  });
  it('a single VP9 stream uses it, simulcast keeps the 40/20/40 split', () => {
    const single = predict('vp9', [
      { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
      { rid: 'h', scaleResolutionDownBy: 2, scalabilityMode: 'L1T3', active: false },
    ]);
    expect(single.layers[0].temporalBps).toEqual(temporalSplit(single.layers[0].predictedTargetBps, 3));
    const simulcast = predict('vp9', [
      { rid: 'q', scaleResolutionDownBy: 4, scalabilityMode: 'L1T3' },
      { rid: 'f', scaleResolutionDownBy: 1, scalabilityMode: 'L1T3' },
    ]);
    // q at 320x180: 142 kbps target -> 57 / 28 / 57 (cumulative 0.4 / 0.6 / 1.0, kbps rounding).
    expect(simulcast.layers[0].temporalBps).toEqual([57_000, 28_000, 57_000]);
  });
});

describe('OverrideStreamSettings: maxBitrate only (encoder_stream_factory.cc)', () => {
  it('a maxBitrate below the table target lowers the target to it: target = clamp(max(table, 3/4 max), min, max)', () => {
    // f at 1280x720 (VP8 target 2500): maxBitrate 1000k -> target max(2500, 750) = 2500, clamped to 1000.
    const p = predict('vp8', [
      { rid: 'q', scaleResolutionDownBy: 4 },
      { rid: 'h', scaleResolutionDownBy: 2 },
      { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_000_000 },
    ]);
    expect([p.layers[2].minBps, p.layers[2].targetBps, p.layers[2].maxBps]).toEqual([600_000, 1_000_000, 1_000_000]);
    // h at 640x360 (target 500): maxBitrate 400k -> target 400k, min 150k kept.
    const h = predict('vp8', [
      { rid: 'q', scaleResolutionDownBy: 4 },
      { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
      { rid: 'f', scaleResolutionDownBy: 1 },
    ]).layers[1];
    expect([h.minBps, h.targetBps, h.maxBps]).toEqual([150_000, 400_000, 400_000]);
  });
});
