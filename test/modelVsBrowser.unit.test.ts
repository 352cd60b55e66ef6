// Model vs browser (src/allocation/modelVsBrowser.ts) as the capture stage records it and as the
// validation matrix reads it: the same layers must disagree in both. The measured targets are set by
// construction around the model's own prediction (this file tests the comparison's rules, not the
// model): 5% off agrees, 15% off does not, a layer the model has on but the browser sent not at all
// disagrees, and under a binding cap a target inside the adjuster's range (10% at its edges) agrees.
import { describe, expect, it } from 'vitest';
import { predictAllocation } from '../src/allocation/predictAllocation.js';
import { compareCell } from '../src/allocation/validationMatrix.js';
import { attachModelComparison, compareWithModel } from '../src/capture/modelVsBrowser.js';
import type { LayerRecord, RunRecord, ScenarioRecord } from '../src/rundir/RunTypes.js';
import { expandScenarios } from '../src/scenario/expandScenarios.js';
import { PRESETS } from '../src/scenario/presets.js';

const INPUT = { width: 1280, height: 720, fps: 30 };
const run = { input: { ...INPUT }, clips: [] as unknown[] } as RunRecord;

function scenarioWith(
  bandwidths: number[] | undefined,
  targetKbps: (rid: string, predictedKbps: number, range?: [number, number]) => number | undefined,
): ScenarioRecord {
  const [scenario] = expandScenarios([structuredClone(PRESETS['all-layers'])], { codecs: ['vp8'], bandwidths });
  const prediction = predictAllocation(scenario, INPUT);
  const layers: LayerRecord[] = prediction.layers.map((p) => {
    const range = p.predictedRangeBps ? (p.predictedRangeBps.map((b) => b / 1000) as [number, number]) : undefined;
    const target = targetKbps(p.rid, p.predictedTargetBps / 1000, range);
    const size = { width: p.width, height: p.height };
    return {
      rid: p.rid,
      active: true,
      configured: { ...size, fps: 30 },
      framesCaptured: 300,
      framesEncoded: 300,
      steady: {
        fromS: 2,
        toS: 10,
        seconds: 8,
        targetKbpsMedian: target,
        actualKbpsMean: target,
        fps: target === undefined ? 0 : 30,
        ...size,
        limitationS: { cpu: 0, bandwidth: 0, other: 0, none: 8 },
      },
    };
  });
  return { id: scenario.id, clipId: 'clip', scenario, status: 'complete', layers, problems: [] };
}

/** The same scenario as a validation-matrix cell. */
function asCell(s: ScenarioRecord) {
  return compareCell(
    { input: { ...INPUT, clip: 'x.y4m' } },
    {
      codec: s.scenario.codec,
      scenario: s.scenario.name,
      capKbps: s.scenario.bandwidthBps === undefined ? undefined : s.scenario.bandwidthBps / 1000,
      encodings: s.scenario.encodings,
      measured: s.layers.map((l) => ({
        rid: l.rid,
        width: l.steady!.width!,
        height: l.steady!.height!,
        on: Boolean(l.steady?.fps),
        targetKbps: l.steady?.targetKbpsMedian,
      })),
      captureProblems: [],
      durationS: 10,
      warmupS: 2,
    },
  );
}

function flagged(s: ScenarioRecord): string[] {
  const model = compareWithModel(s, run)!;
  const matrix = asCell(s);
  // One comparison: the matrix's "outside the range" is the capture's flag, layer by layer.
  expect(matrix.layers.filter((l) => !l.withinRange).map((l) => l.rid)).toEqual(
    model.layers.filter((l) => l.flagged).map((l) => l.rid),
  );
  return model.layers.filter((l) => l.flagged).map((l) => l.rid);
}

describe('model vs browser', () => {
  it('uncapped: 5% off agrees, 15% off is flagged', () => {
    expect(flagged(scenarioWith(undefined, (_rid, p) => p * 1.05))).toEqual([]);
    const s = scenarioWith(undefined, (rid, p) => (rid === 'f' ? p * 1.15 : p * 0.95));
    expect(flagged(s)).toEqual(['f']);
    expect(compareWithModel(s, run)!.layers.find((l) => l.rid === 'f')!.deviation).toBeCloseTo(0.15, 2);
    expect(asCell(s).ok).toBe(false);
  });

  it('a layer the model has on but the browser did not send is flagged, and the active set differs', () => {
    const s = scenarioWith(undefined, (rid, p) => (rid === 'f' ? undefined : p));
    expect(flagged(s)).toEqual(['f']);
    expect(compareWithModel(s, run)!.activeSetMatches).toBe(false);
  });

  // VP8 all-layers at a 1500 kbps cap, by libwebrtc's rules (docs/plan.md, steps 2 and 5): f switches
  // on only when what is left after q and h at their targets (150 + 500) covers 1.2 x its 600 kbps min,
  // i.e. 1370 kbps for the encoders. The cap less libwebrtc's estimated packet overhead (56 + 44 B of
  // each 1244 B packet: x 1144/1244) gives them 1379 at 1500 kbps (on) and 1352 at 1470 kbps (off). So a sender whose estimate settled at 1470 may have f off or on (on, if it got
  // there first: an on layer stays on down to its min).
  describe('a borderline layer: predicted on at the cap, off at the lower estimate the sender settled at', () => {
    const fOff = (estimateKbps: number | undefined, hOff = false) => {
      const s = scenarioWith([1_500_000], (rid, p) => (rid === 'f' || (hOff && rid === 'h') ? undefined : p));
      for (const l of s.layers) l.steady!.availableOutgoingKbpsMedian = estimateKbps;
      return compareWithModel(s, run)!;
    };
    it('f off with the estimate at the cap: a model miss, flagged', () => {
      const m = fOff(1500);
      expect(m.activeSetMatches).toBe(false);
      expect(m.layers.find((l) => l.rid === 'f')).toMatchObject({ flagged: true });
      expect(m.layers.find((l) => l.rid === 'f')!.borderline).toBeUndefined();
      expect(fOff(undefined).activeSetMatches).toBe(false);
    });
    it('f off with the estimate at 1470 kbps: borderline, not flagged, the set matches', () => {
      const m = fOff(1470);
      expect(m).toMatchObject({ activeSetMatches: true, estimateKbps: 1470 });
      expect(m.layers.find((l) => l.rid === 'f')).toMatchObject({
        borderline: true,
        flagged: false,
        measuredOn: false,
      });
      expect(m.layers.filter((l) => l.borderline).map((l) => l.rid)).toEqual(['f']);
    });
    it('h off at 1470 kbps is still a miss: only the layer whose state flips there is excused', () => {
      expect(fOff(1470, true).activeSetMatches).toBe(false);
    });
  });

  it('run.json keeps its keys and their order', () => {
    const layer = compareWithModel(
      scenarioWith([1_500_000], (_rid, p) => p),
      run,
    )!.layers[0];
    expect(Object.keys(JSON.parse(JSON.stringify(layer)))).toEqual([
      'rid',
      'predictedState',
      'measuredOn',
      'predictedTargetKbps',
      'predictedAllocatedKbps',
      'predictedRangeKbps',
      'measuredTargetKbps',
      'measuredActualKbps',
      'deviation',
      'flagged',
    ]);
  });

  it('under a binding cap: inside the range (10% at its edges) agrees, beyond it is flagged', () => {
    const ranged = (factor: number) => scenarioWith([1_500_000], (_rid, p, range) => (range ? range[0] * factor : p));
    const inside = ranged(0.92);
    expect(inside.layers.length).toBeGreaterThan(0);
    const withRange = compareWithModel(inside, run)!.layers.filter((l) => l.predictedRangeKbps);
    expect(
      withRange.map((l) => l.rid),
      'the 1500 kbps cap binds every layer',
    ).toEqual(['q', 'h', 'f']);
    expect(flagged(inside)).toEqual([]);
    expect(flagged(ranged(0.85))).toEqual(withRange.map((l) => l.rid));
  });
});

describe('behind a shaped uplink', () => {
  it('no model comparison is attached (the estimate of the link drives the allocator, not a known cap); without one it is', () => {
    // f at 58% of its prediction, as a 3000 -> 800 kbps step trace gave: a miss without a link.
    const plain = scenarioWith(undefined, (rid, p) => (rid === 'f' ? p * 0.58 : p));
    attachModelComparison(plain, run);
    expect(plain.model?.layers.find((l) => l.rid === 'f')?.flagged).toBe(true);
    const shaped = scenarioWith(undefined, (rid, p) => (rid === 'f' ? p * 0.58 : p));
    shaped.scenario.uplink = { text: 'step-3000-800-3000' } as NonNullable<typeof shaped.scenario.uplink>;
    attachModelComparison(shaped, run);
    expect(shaped.model).toBeUndefined();
  });
});
