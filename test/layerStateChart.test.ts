// The report's layer on/off chart behind a shaped uplink (issue 22 point 3), from stats rows made by
// hand: a line at the layer's level in each second it sent frames, a gap while it was off, markers
// where qualityLimitationReason was bandwidth or cpu; no chart for a scenario without an uplink.
import { describe, expect, it } from 'vitest';
import type { StatsRow } from '../src/capture/StatsTimeline.js';
import { parseLinkSpec } from '../src/link/parseLinkSpec.js';
import { layerStateChart } from '../src/report/charts/layerStateTimeline.js';
import type { ScenarioRecord } from '../src/rundir/RunTypes.js';

const encodings = [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }];
function scenario(uplink: boolean): ScenarioRecord {
  return { id: 's1', status: 'complete', scenario: { id: 's1', codec: 'vp8', encodings, warmupS: 0, ...(uplink ? { uplink: parseLinkSpec('step-3000-800-3000', 'test') } : {}) } } as unknown as ScenarioRecord;
}
// f off in seconds 2 and 3 (fps 0), limited by bandwidth in second 1, h limited by cpu in second 3.
const rows: StatsRow[] = [0, 1, 2, 3, 4].flatMap((second) =>
  ['q', 'h', 'f'].map((rid) => ({
    second,
    t_s: second + 0.5,
    warmup: 0,
    rid,
    fps: rid === 'f' && (second === 2 || second === 3) ? 0 : 15,
    quality_limitation_reason: rid === 'f' && second === 1 ? 'bandwidth' : rid === 'h' && second === 3 ? 'cpu' : 'none',
  }) as StatsRow),
);

describe('layer state chart', () => {
  it('one line per layer at its level, gaps while off, limitation markers above the line', () => {
    const chart = layerStateChart(scenario(true), rows, { q: '#1', h: '#2', f: '#3' })!;
    const view = chart.views[0]!;
    expect(view.x).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
    const by = Object.fromEntries(view.series.map((s) => [s.label, s.values]));
    expect(by['q sending']).toEqual([1, 1, 1, 1, 1]);
    expect(by['f sending']).toEqual([3, 3, null, null, 3]);
    expect(by['limited by bandwidth']).toEqual([null, 3.2, null, null, null]);
    expect(by['limited by cpu']).toEqual([null, null, null, 2.35, null]);
    expect(chart.yRange).toEqual([0, 4]);
  });
  it('no chart without a shaped uplink', () => {
    expect(layerStateChart(scenario(false), rows, {})).toBeUndefined();
  });
});
