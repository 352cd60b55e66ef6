// libwebrtc's own SVC unit tests, re-run against simq's model of one SVC stream. Each `it` is named
// after the upstream test it restates (file in brackets); expected values are the upstream test's,
// not simq output. Upstream: modules/video_coding/codecs/vp9/svc_config_unittest.cc,
// modules/video_coding/codecs/av1/av1_svc_config_unittest.cc and
// modules/video_coding/svc/svc_rate_allocator_unittest.cc. Expected values from libwebrtc main of
// 2025-06-20 (JumpingYang001/webrtc mirror, commit bb9331cfbe98); the svc_config and av1_svc_config
// cases and values are the same as in October 2024 (webrtc-sdk/webrtc, commit cd6792e5cacf).
// Tests left out, and why, are listed at the end of the file.
import { describe, expect, it } from 'vitest';
import {
  configureSvcNormalVideo,
  MIN_SPATIAL_LAYER_LONG_SIDE as LONG,
  MIN_SPATIAL_LAYER_SHORT_SIDE as SHORT,
  svcConfiguration,
} from '../src/allocation/SvcConfig.js';
import { allocateSvc, layerStartBitrates, svcMaxBitrate } from '../src/allocation/SvcRateAllocator.js';
import type { SvcConfiguration, SvcSpatialLayer } from '../src/allocation/SvcTypes.js';
import { parseScalabilityMode } from '../src/scenario/ScalabilityMode.js';

/** GetSvcConfig(w, h, 30, first_active, num_spatial, num_temporal, false) of the tests. */
const getSvcConfig = (w: number, h: number, first: number, spatial: number, temporal: number) =>
  configureSvcNormalVideo({ width: w, height: h }, first, spatial, temporal);

/** GetVp9SvcConfig(codec) for a VideoCodec of this size and mode. */
const getVp9SvcConfig = (w: number, h: number, mode: string) =>
  svcConfiguration('vp9', mode, { width: w, height: h, fps: 30 });

/** The test helper Configure(w, h, S, T, false): GetSvcConfig's layers in a VP9 codec, no codec max. */
function configure(w: number, h: number, spatial: number, temporal: number): SvcConfiguration {
  const layers = getSvcConfig(w, h, 0, spatial, temporal);
  return {
    codec: 'vp9',
    requestedMode: `L${spatial}T${temporal}`,
    mode: `L${layers.length}T${temporal}`,
    layers,
    codecMaxBps: 0,
    notes: [],
  };
}

/** An AV1 codec with scalability mode `mode` whose spatialLayers the test sets by hand (kbps); all rows kept. */
function handMade(mode: string, rows: [boolean, number, number, number][]): SvcConfiguration {
  const layers: SvcSpatialLayer[] = rows.map(([active, min, target, max], index) => ({
    index,
    width: 0,
    height: 0,
    // Left at the codec's default (0 = unset): the allocator takes the count from the mode.
    temporalLayers: 0,
    active,
    minBps: min * 1000,
    targetBps: target * 1000,
    maxBps: max * 1000,
  }));
  return { codec: 'av1', requestedMode: mode, mode, layers, codecMaxBps: 0, notes: [] };
}

const field = <K extends keyof SvcSpatialLayer>(layers: SvcSpatialLayer[], key: K) => layers.map((l) => l[key]);
const sum = (a: SvcConfiguration, t: number, s: number) => allocateSvc(a, t).spatialBps[s] ?? 0;

describe('svc_config_unittest.cc', () => {
  it('NumSpatialLayers (svc_config_unittest.cc)', () => {
    expect(getSvcConfig(LONG << 1, SHORT << 1, 0, 6, 1)).toHaveLength(2);
  });
  it('NumSpatialLayersPortrait (svc_config_unittest.cc)', () => {
    expect(getSvcConfig(SHORT << 1, LONG << 1, 0, 6, 1)).toHaveLength(2);
  });
  it('NumSpatialLayersWithScalabilityMode (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(960, 540, 'L3T3_KEY');
    expect(field(c.layers, 'height')).toEqual([135, 270, 540]);
    expect(field(c.layers, 'temporalLayers')).toEqual([3, 3, 3]);
    expect(c.mode).toBe('L3T3_KEY');
  });
  it('UpdatesInterLayerPredModeBasedOnScalabilityMode (svc_config_unittest.cc)', () => {
    // codec.VP9()->interLayerPred after GetVp9SvcConfig: kOnKeyPic, kOn, kOff.
    const pred = (mode: string) => parseScalabilityMode(getVp9SvcConfig(1280, 720, mode).mode)?.interLayer;
    expect(pred('L3T3_KEY')).toBe('key');
    expect(pred('L3T3')).toBe('on');
    expect(pred('S3T3')).toBe('off');
  });
  it('NumSpatialLayersLimitedWithScalabilityMode (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(480, 270, 'L3T3_KEY');
    expect(field(c.layers, 'height')).toEqual([135, 270]);
    expect(field(c.layers, 'temporalLayers')).toEqual([3, 3]);
    // Upstream: interLayerPred kOnKeyPic and the mode reset to L2T3_KEY.
    expect(c.mode).toBe('L2T3_KEY');
  });
  it('NumSpatialLayersLimitedWithScalabilityModePortrait (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(270, 480, 'L3T1');
    expect(field(c.layers, 'width')).toEqual([135, 270]);
    expect(field(c.layers, 'temporalLayers')).toEqual([1, 1]);
    expect(c.mode).toBe('L2T1');
  });
  it('NumSpatialLayersWithScalabilityModeResolutionRatio1_5 (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(270, 480, 'L2T1h');
    expect(field(c.layers, 'width')).toEqual([180, 270]);
    expect(field(c.layers, 'temporalLayers')).toEqual([1, 1]);
    expect(c.mode).toBe('L2T1h');
  });
  it('NumSpatialLayersLimitedWithScalabilityModeResolutionRatio1_5 (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(320, 180, 'L2T1h');
    expect(field(c.layers, 'width')).toEqual([320]);
    expect(field(c.layers, 'temporalLayers')).toEqual([1]);
    expect(c.mode).toBe('L1T1');
  });
  it('AlwaysSendsAtLeastOneLayer (svc_config_unittest.cc)', () => {
    const layers = getSvcConfig(LONG, SHORT, 5, 6, 1);
    expect(layers).toHaveLength(1);
    expect(layers[layers.length - 1].width).toBe(LONG);
  });
  it('AlwaysSendsAtLeastOneLayerPortrait (svc_config_unittest.cc)', () => {
    const layers = getSvcConfig(SHORT, LONG, 5, 6, 1);
    expect(layers).toHaveLength(1);
    expect(layers[layers.length - 1].width).toBe(SHORT);
  });
  it('EnforcesMinimalRequiredParity (svc_config_unittest.cc)', () => {
    const odd = 1023;
    expect(getSvcConfig(odd, odd, 1, 3, 1).at(-1)!.width).toBe(odd - 1);
    expect(getSvcConfig(odd, odd, 0, 3, 1).at(-1)!.width).toBe(odd - 3);
    expect(getSvcConfig(odd, odd, 2, 3, 1).at(-1)!.width).toBe(odd);
  });
  it('EnforcesMinimalRequiredParityWithScalabilityMode (svc_config_unittest.cc)', () => {
    expect(field(getVp9SvcConfig(1023, 1023, 'L3T1').layers, 'width')).toEqual([255, 510, 1020]);
    expect(field(getVp9SvcConfig(1023, 1023, 'L2T1').layers, 'width')).toEqual([511, 1022]);
    expect(field(getVp9SvcConfig(1023, 1023, 'L1T1').layers, 'width')).toEqual([1023]);
  });
  it('EnforcesMinimalRequiredParityWithScalabilityModeResRatio1_5 (svc_config_unittest.cc)', () => {
    expect(field(getVp9SvcConfig(1280, 1280, 'L2T1h').layers, 'width')).toEqual([852, 1278]);
  });
  it('SkipsInactiveLayers (svc_config_unittest.cc)', () => {
    const layers = getSvcConfig(LONG << 3, SHORT << 3, 2, 4, 1);
    expect(layers).toHaveLength(2);
    expect(layers.at(-1)!.width).toBe(LONG << 3);
  });
  it('BitrateThresholds (svc_config_unittest.cc)', () => {
    const layers = getSvcConfig(LONG << 2, SHORT << 2, 0, 3, 1);
    expect(layers).toHaveLength(3);
    for (const l of layers) {
      expect(l.minBps).toBeLessThanOrEqual(l.maxBps);
      expect(l.minBps).toBeLessThanOrEqual(l.targetBps);
      expect(l.targetBps).toBeLessThanOrEqual(l.maxBps);
    }
  });
  it('BitrateThresholdsWithScalabilityMode (svc_config_unittest.cc)', () => {
    const c = getVp9SvcConfig(960, 540, 'S3T3');
    expect(field(c.layers, 'height')).toEqual([135, 270, 540]);
    for (const l of c.layers) {
      expect(l.minBps).toBeLessThanOrEqual(l.maxBps);
      expect(l.minBps).toBeLessThanOrEqual(l.targetBps);
      expect(l.targetBps).toBeLessThanOrEqual(l.maxBps);
    }
  });
});

/** SetAv1SvcConfig(codec) for a VideoCodec of this size and mode (the tests' default codec is 1280x720). */
const setAv1SvcConfig = (mode: string, w = 1280, h = 720) =>
  svcConfiguration('av1', mode, { width: w, height: h, fps: 30 });

describe('av1_svc_config_unittest.cc', () => {
  it('SetsActiveSpatialLayersFromScalabilityMode (av1_svc_config_unittest.cc)', () => {
    // Layers 0 and 1 active, layer 2 not: simq configures only the mode's layers.
    expect(field(setAv1SvcConfig('L2T1').layers, 'active')).toEqual([true, true]);
  });
  it('ConfiguresDobuleResolutionRatioFromScalabilityMode (av1_svc_config_unittest.cc)', () => {
    const c = setAv1SvcConfig('L2T1', 1200, 800);
    expect(c.layers.map((l) => [l.width, l.height])).toEqual([
      [600, 400],
      [1200, 800],
    ]);
  });
  it('ConfiguresSmallResolutionRatioFromScalabilityMode (av1_svc_config_unittest.cc)', () => {
    // h mode uses 1.5:1 ratio.
    const c = setAv1SvcConfig('L2T1h', 1500, 900);
    expect(c.layers.map((l) => [l.width, l.height])).toEqual([
      [1000, 600],
      [1500, 900],
    ]);
  });
  it('SetsNumberOfTemporalLayers (av1_svc_config_unittest.cc)', () => {
    expect(setAv1SvcConfig('L1T3').layers[0].temporalLayers).toBe(3);
  });
  it('SetsBitratesForMultipleSpatialLayers (av1_svc_config_unittest.cc)', () => {
    const c = setAv1SvcConfig('L2T2', 640, 360);
    expect(c.layers.map((l) => [l.minBps / 1000, l.maxBps / 1000])).toEqual([
      [20, 142],
      [135, 418],
    ]);
  });
  it('ReduceSpatialLayersOnInsufficentInputResolution (av1_svc_config_unittest.cc)', () => {
    const c = setAv1SvcConfig('L3T3', 640, 360);
    expect(c.mode).toBe('L2T3');
    expect(c.layers).toHaveLength(2);
  });
});

describe('svc_rate_allocator_unittest.cc', () => {
  it('SingleLayerFor320x180Input (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(320, 180, 3, 3);
    expect(sum(c, 1_000_000, 0)).toBeGreaterThan(0);
    expect(sum(c, 1_000_000, 1)).toBe(0);
  });
  it('TwoLayersFor640x360Input (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(640, 360, 3, 3);
    expect(sum(c, 1_000_000, 0)).toBeGreaterThan(0);
    expect(sum(c, 1_000_000, 1)).toBeGreaterThan(0);
    expect(sum(c, 1_000_000, 2)).toBe(0);
  });
  it('ThreeLayersFor1280x720Input (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 3);
    for (const s of [0, 1, 2]) expect(sum(c, 1_000_000, s)).toBeGreaterThan(0);
  });
  it('BaseLayerNonZeroBitrateEvenIfTotalIfLessThanMinimum (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 3);
    const half = c.layers[0].minBps / 2;
    expect(sum(c, half, 0)).toBeGreaterThan(0);
    expect(sum(c, half, 0)).toBeLessThan(c.layers[0].minBps);
    expect(sum(c, half, 1)).toBe(0);
  });
  it('Disable640x360Layer (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 3);
    const total = c.layers[0].minBps + c.layers[1].minBps - 1;
    expect(sum(c, total, 0)).toBeGreaterThan(0);
    expect(sum(c, total, 1)).toBe(0);
  });
  it('Disable1280x720Layer (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 3);
    const total = c.layers[0].minBps + c.layers[1].minBps + c.layers[2].minBps - 1;
    expect(sum(c, total, 0)).toBeGreaterThan(0);
    expect(sum(c, total, 1)).toBeGreaterThan(0);
    expect(sum(c, total, 2)).toBe(0);
  });
  it('BitrateIsCapped (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 3);
    const a = allocateSvc(c, 100_000_000);
    expect(a.spatialBps.reduce((x, y) => x + y, 0)).toBe(c.layers[0].maxBps + c.layers[1].maxBps + c.layers[2].maxBps);
    expect(a.spatialBps).toEqual(c.layers.map((l) => l.maxBps));
  });
  it('DeactivateHigherLayers (svc_rate_allocator_unittest.cc)', () => {
    for (let off = 2; off >= 0; off--) {
      const c = configure(1280, 720, 3, 1);
      for (let i = off; i < 3; i++) c.layers[i].active = false;
      const a = allocateSvc(c, 10_000_000);
      for (let s = 0; s < off; s++) expect(a.spatialBps[s]).toBeGreaterThan(0);
      for (let s = off; s < 3; s++) expect(a.spatialBps[s]).toBe(0);
    }
  });
  it('DeactivateLowerLayers (svc_rate_allocator_unittest.cc)', () => {
    for (let off = 0; off < 3; off++) {
      const c = configure(1280, 720, 3, 1);
      for (let i = off; i >= 0; i--) c.layers[i].active = false;
      const a = allocateSvc(c, 10_000_000);
      for (let s = 0; s <= off; s++) expect(a.spatialBps[s]).toBe(0);
      for (let s = off + 1; s < 3; s++) expect(a.spatialBps[s]).toBeGreaterThan(0);
    }
  });
  it('SignalsBwLimited (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 1);
    expect(allocateSvc(c, 900_000 / 2).enabledLayers).toBeLessThan(3);
    expect(allocateSvc(c, 900_000).enabledLayers).toBe(3);
  });
  it('NoPaddingIfAllLayersAreDeactivated (svc_rate_allocator_unittest.cc)', () => {
    const c = configure(1280, 720, 3, 1);
    expect(c.layers).toHaveLength(3);
    c.layers.forEach((l) => (l.active = false));
    // GetPaddingBitrate is the last start bitrate: none when nothing is active.
    expect(layerStartBitrates(c.layers)).toEqual([]);
  });
  it('FindLayerTogglingThreshold (svc_rate_allocator_unittest.cc)', () => {
    const starts = layerStartBitrates(configure(1280, 720, 3, 1).layers);
    expect(starts).toHaveLength(3);
    expect(starts[1]).toBe(299_150);
    expect(starts[2]).toBe(891_052);
  });
  it('SupportsAv1 (svc_rate_allocator_unittest.cc)', () => {
    const c = handMade('L3T3', [
      [true, 30, 51, 73],
      [true, 49, 64, 97],
      [true, 193, 305, 418],
    ]);
    for (const s of [0, 1, 2]) expect(sum(c, 1_000_000, s)).toBeGreaterThan(0);
  });
  it('SupportsAv1WithSkippedLayer (svc_rate_allocator_unittest.cc)', () => {
    const c = handMade('L3T3', [
      [false, 30, 51, 73],
      [true, 49, 64, 97],
      [true, 193, 305, 418],
    ]);
    expect(sum(c, 1_000_000, 0)).toBe(0);
    expect(sum(c, 1_000_000, 1)).toBeGreaterThan(0);
    expect(sum(c, 1_000_000, 2)).toBeGreaterThan(0);
  });
  it('UsesScalabilityModeToGetNumberOfLayers (svc_rate_allocator_unittest.cc)', () => {
    // Three spatialLayers entries, all active, but the mode is L2T2: the mode sets the counts.
    const c = handMade('L2T2', [
      [true, 30, 51, 73],
      [true, 49, 64, 97],
      [true, 193, 305, 418],
    ]);
    expect(c.layers).toHaveLength(3);
    const a = allocateSvc(c, 1_000_000);
    // Bitrates for 2 temporal layers of spatial layer 1, none for a third.
    expect(a.temporalBps[1]).toHaveLength(2);
    expect(a.temporalBps[1].every((b) => b > 0)).toBe(true);
    // spatialLayers[2].active is ignored: the mode has 2 spatial layers.
    expect(a.spatialBps[2]).toBe(0);
  });
  it('CapsAllocationToMaxBitrate (svc_rate_allocator_unittest.cc)', () => {
    const c = { ...configure(1280, 720, 3, 3), codecMaxBps: 70_000 };
    const a = allocateSvc(c, 3_000_000);
    expect(a.spatialBps).toEqual([70_000, 0, 0]);
  });
  it('MaxBitrate (svc_rate_allocator_unittest.cc, real-time video)', () => {
    const c = configure(1280, 720, 3, 1);
    expect(svcMaxBitrate(c)).toBe(c.layers[0].maxBps + c.layers[1].maxBps + c.layers[2].maxBps);
    c.layers[1].active = false;
    expect(svcMaxBitrate(c)).toBe(c.layers[0].maxBps);
  });
  it('PaddingBitrate (svc_rate_allocator_unittest.cc, real-time video)', () => {
    const c = configure(1280, 720, 3, 1);
    let padding = layerStartBitrates(c.layers).at(-1)!;
    expect(allocateSvc(c, padding).spatialBps.every((b) => b > 0)).toBe(true);
    let a = allocateSvc(c, Math.trunc((9 * padding) / 10));
    expect(a.spatialBps[0]).toBeGreaterThan(0);
    expect(a.spatialBps[1]).toBeGreaterThan(0);
    expect(a.spatialBps[2]).toBe(0);
    c.layers[2].active = false;
    padding = layerStartBitrates(c.layers).at(-1)!;
    a = allocateSvc(c, padding);
    expect([a.spatialBps[0] > 0, a.spatialBps[1] > 0, a.spatialBps[2]]).toEqual([true, true, 0]);
    a = allocateSvc(c, Math.trunc((9 * padding) / 10));
    expect([a.spatialBps[0] > 0, a.spatialBps[1], a.spatialBps[2]]).toEqual([true, 0, 0]);
  });
});

// Not restated, and why:
// - svc_config_unittest.cc ScreenSharing and the screen-sharing instances of the parametrized
//   allocator tests (MaxBitrate, PaddingBitrate with true): GetVp9SvcConfig, the path a
//   scalabilityMode takes in Chrome, always passes is_screen_sharing=false (a TODO upstream), so
//   simq's model has no SVC screen-sharing layers.
// - MinBitrateToGetQualityLayer: screen sharing only (see above).
// - StableBitrate and StableBitrateWithHysteresis: need the WebRTC-StableTargetRate field trial,
//   which Chrome does not enable by default (gone from svc_rate_allocator_unittest.cc by June 2025).
// - CopiesMinMaxBitrateForSingleSpatialLayer (svc_config_unittest.cc and av1_svc_config_unittest.cc):
//   the branch for a mode with one spatial layer (L1Tx), whose layer takes the codec's min / max.
//   simq plans an L1Tx encoding as a single stream (predictAllocation; svcLayersOf gives no SVC
//   configuration), where that stream's own min / max are the layer's; svcConfiguration models the
//   spatial-layer branch only.
// - av1_svc_config_unittest.cc TreatsEmptyAsL1T1, ScalabilityModeFromNumberOfTemporalLayers and
//   ScalabilityModeFromNumberOfSpatialLayers: SetAv1SvcConfig without a scalabilityMode, building
//   one from layer counts. simq's SVC model starts from an encoding's spatial scalabilityMode; an
//   encoding without one is one layer, planned as a single stream.
// - av1_svc_config_unittest.cc CopiesFramrate: simq's spatial layers carry no max framerate of their
//   own (every layer runs at the input's rate).
// - SimulcastToSvc.* (modules/video_coding/svc/simulcast_to_svc_converter_unittest.cc): libvpx VP9
//   encodes a simulcast config as one S-mode SVC encoder (WebRTC-VP9-SvcForSimulcast, on unless
//   disabled), but the streams keep their simulcast sizes and bitrates (the config is copied
//   1:1), SimulcastRateAllocator still splits the rate, and each frame leaves as a simulcast stream.
//   What simq plans for VP9 simulcast is unchanged by it; the frame relabelling and the
//   IsConfigSupported fallback (one encoder per stream) are not modelled.

describe('the plan path: one encoding with a spatial mode', () => {
  // Hand arithmetic from svc_config.cc's formula max = (1.6 * pixels + 50000) / 1000 kbps:
  // 320x180 -> 142, 640x360 -> 418, 1280x720 -> 1524; unlimited, each layer reaches its max.
  it('VP9 L3T3_KEY at 1280x720, unlimited: every spatial layer at its max, split 0.55-weighted over T0/T1/T2', async () => {
    const { predictAllocation } = await import('../src/allocation/predictAllocation.js');
    const p = predictAllocation(
      { codec: 'vp9', encodings: [{ rid: 'f', scaleResolutionDownBy: 1, active: true, scalabilityMode: 'L3T3_KEY' }] },
      { width: 1280, height: 720, fps: 30 },
      null,
    );
    expect(p.svc?.allocation.spatialBps).toEqual([142_000, 418_000, 1_524_000]);
    expect(p.layers[0].maxBps).toBe(2_084_000);
    // T3 shares of 1524 kbps: 1524 * (1, 0.3025, 0.55) / 1.8525 -> 823 / 249 / 452 (rounded).
    expect(p.svc?.allocation.temporalBps[2].map((b) => Math.round(b / 1000))).toEqual([823, 249, 452]);
    // _KEY: the S2 point needs layer 2 alone; L3T3 (inter-layer on every picture) needs all three.
    expect(p.svc?.operatingPoints.find((o) => o.spatial === 2 && o.temporal === 2)?.bps).toBe(1_524_000);
  });
});
