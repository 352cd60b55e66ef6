// Simulcast against SVC per viewer size, on quality points and run records made by hand: the answer
// (which layer each SFU forwards, which mode wins, by how much, what each uploads) is written out from
// the numbers given.
import { describe, expect, it } from 'vitest';
import type { QualityPoint } from '../src/recommend/RecommendationTypes.js';
import { forwardedLayer, svcVersusSimulcast, uploadKbps } from '../src/recommend/svcVersusSimulcast.js';
import type { LayerRecord, ScenarioRecord } from '../src/rundir/RunTypes.js';

// Each rid's own size, as the camera fixture's (q and S0 a quarter of 1280x720, h and S1 half).
const OWN_SIZE: Record<string, [number, number]> = {
  q: [320, 180],
  'f-S0': [320, 180],
  h: [640, 360],
  'f-S1': [640, 360],
  f: [1280, 720],
  'f-S2': [1280, 720],
};

function point(scenarioId: string, rid: string, actualKbps: number, scores: Record<string, number>): QualityPoint {
  const sizes = Object.fromEntries(Object.entries(scores).map(([size, score]) => [size, { score, vmafMean: score }]));
  const [width, height] = OWN_SIZE[rid];
  return {
    scenarioId,
    scenario: scenarioId,
    codec: 'vp9',
    rid,
    layer: `${width}x${height}`,
    width,
    height,
    actualKbps,
    kbps: actualKbps,
    kbpsSource: 'actual',
    topLayer: false,
    frames: 100,
    dropped: 0,
    cpuLimited: false,
    problems: [],
    sizes,
  } as unknown as QualityPoint;
}

const layer = (rid: string, kbps: number, extra: Partial<LayerRecord> = {}): LayerRecord =>
  ({
    rid,
    active: true,
    configured: { width: 0, height: 0, fps: 30 },
    framesCaptured: 1,
    framesEncoded: 1,
    steady: { actualKbpsMean: kbps },
    ...extra,
  }) as unknown as LayerRecord;

const simulcast = {
  id: 'all-layers.vp9',
  layers: [layer('q', 140), layer('h', 400), layer('f', 1500)],
} as unknown as ScenarioRecord;
const svc = {
  id: 'svc-l3t3-key.vp9',
  layers: [
    layer('f', 0, {
      svc: { layersVsPlan: [{ measuredKbps: 150 }, { measuredKbps: 420 }, { measuredKbps: 1300 }] } as never,
    }),
    layer('f-S0', 150, { svcPoint: { of: 'f', spatial: 0, temporalLayers: 3, frames: 1, packets: 1 } }),
    layer('f-S2', 1400, { svcPoint: { of: 'f', spatial: 2, temporalLayers: 3, frames: 1, packets: 1 } }),
  ],
} as unknown as ScenarioRecord;

describe('svcVersusSimulcast', () => {
  it('per size, the layer each SFU forwards (not the best one), the winner and the margin; uploads as each mode sends', () => {
    // The top layers score higher at 320x180 (f 90, f-S2 88) than the 320x180 layers (q 70, f-S0 75), and
    // there simulcast's f beats SVC's f-S2; but a 320x180 viewer is forwarded q and f-S0: SVC by 75 - 70 = 5.
    const points = [
      point('all-layers.vp9', 'q', 140, { '320x180': 70 }),
      point('all-layers.vp9', 'f', 1500, { '320x180': 90, '1280x720': 85 }),
      point('svc-l3t3-key.vp9', 'f-S0', 150, { '320x180': 75 }),
      point('svc-l3t3-key.vp9', 'f-S2', 1400, { '320x180': 88, '1280x720': 87.5 }),
    ];
    const rows = svcVersusSimulcast(points, [simulcast, svc], ['320x180', '1280x720']);
    expect(
      rows.map((r) => [
        r.size,
        r.simulcast?.forwarded.rid,
        r.simulcast?.forwarded.score,
        r.simulcast?.forwarded.kbps,
        r.svc?.forwarded.rid,
        r.svc?.forwarded.score,
        r.svc?.forwarded.kbps,
        r.better,
        r.by,
      ]),
    ).toEqual([
      ['320x180', 'q', 70, 140, 'f-S0', 75, 150, 'svc', 5],
      // 87.5 - 85 = 2.5
      ['1280x720', 'f', 85, 1500, 'f-S2', 87.5, 1400, 'svc', 2.5],
    ]);
    expect(rows[0].simulcast?.uploadKbps).toBe(140 + 400 + 1500);
    expect(rows[0].svc?.uploadKbps).toBe(150 + 420 + 1300);
  });
  it('the forwarded layer: the smallest whose own size covers the viewer, else the largest', () => {
    const layers = [
      { rid: 'f', width: 1280, height: 720 },
      { rid: 'q', width: 320, height: 180 },
      { rid: 'h', width: 640, height: 360 },
    ];
    const rid = (size: string) => forwardedLayer(layers, size)?.rid;
    expect(rid('320x180')).toBe('q');
    // 400x225: q (320x180) is too small, h (640x360) the smallest that covers it.
    expect(rid('400x225')).toBe('h');
    // 640x200: wide enough only from h on (q is 320 wide).
    expect(rid('640x200')).toBe('h');
    expect(rid('160x90')).toBe('q');
    // Nothing covers 1920x1080: the largest.
    expect(rid('1920x1080')).toBe('f');
    // A layer of unknown size (0x0) is never chosen; none known: none.
    expect(forwardedLayer([{ rid: 'x', width: 0, height: 0 }], '320x180')).toBeUndefined();
  });
  it('a forwarded layer not scored at the viewer size leaves that side empty and names no winner', () => {
    const points = [
      // q is the layer a 320x180 viewer gets; f, scored there, is not put in its place.
      point('all-layers.vp9', 'q', 140, { '1280x720': 10 }),
      point('all-layers.vp9', 'f', 1500, { '320x180': 90 }),
      point('svc-l3t3-key.vp9', 'f-S0', 150, { '320x180': 75 }),
    ];
    const [row] = svcVersusSimulcast(points, [simulcast, svc], ['320x180']);
    expect([row.simulcast, row.svc?.forwarded.rid, row.better, row.by]).toEqual([
      undefined,
      'f-S0',
      undefined,
      undefined,
    ]);
  });
  it('no rows for a codec measured in one mode only', () => {
    expect(
      svcVersusSimulcast([point('all-layers.vp9', 'q', 140, { '320x180': 70 })], [simulcast, svc], ['320x180']),
    ).toEqual([]);
  });
  it("SVC upload is the spatial layers' tapped rate, not the points' (which overlap)", () => {
    expect(uploadKbps(svc)).toBe(1870);
  });
  it('at the same total upload: the pair of scenarios whose uploads are closest (2040 vs 1870, 8.3 % apart, within 10 %), not the best of every scenario', () => {
    // A second simulcast scenario uploading 4000 kbps scores higher everywhere: it is not the pair.
    const big = {
      id: 'big.vp9',
      layers: [layer('q', 500), layer('h', 1000), layer('f', 2500)],
    } as unknown as ScenarioRecord;
    const points = [
      point('big.vp9', 'f', 2500, { '1280x720': 95 }),
      point('all-layers.vp9', 'f', 1500, { '1280x720': 85 }),
      point('svc-l3t3-key.vp9', 'f-S2', 1400, { '1280x720': 87.5 }),
    ];
    const [row] = svcVersusSimulcast(points, [big, simulcast, svc], ['1280x720']);
    expect(row.simulcast?.forwarded.scenarioId).toBe('all-layers.vp9');
    // (1870 - 2040) / 2040 = -0.0833
    expect(row.uploadDifference).toBe(-0.083);
    expect([row.sameUpload, row.better, row.by]).toEqual([true, 'svc', 2.5]);
  });
  it('uploads further apart than the tolerance: no winner, the difference stated', () => {
    const small = {
      id: 'svc-small.vp9',
      layers: [
        layer('f', 0, {
          svc: { layersVsPlan: [{ measuredKbps: 100 }, { measuredKbps: 200 }, { measuredKbps: 700 }] } as never,
        }),
        layer('f-S2', 700, { svcPoint: { of: 'f', spatial: 2, temporalLayers: 3, frames: 1, packets: 1 } }),
      ],
    } as unknown as ScenarioRecord;
    const points = [
      point('all-layers.vp9', 'f', 1500, { '1280x720': 85 }),
      point('svc-small.vp9', 'f-S2', 700, { '1280x720': 80 }),
    ];
    const [row] = svcVersusSimulcast(points, [simulcast, small], ['1280x720']);
    // (1000 - 2040) / 2040 = -0.5098
    expect([row.uploadDifference, row.sameUpload, row.better, row.by]).toEqual([-0.51, false, undefined, undefined]);
    expect(row.simulcast?.forwarded.score).toBe(85);
    expect(row.svc?.forwarded.score).toBe(80);
  });
});
