// The terminal's measure summary of a run of several clips ranks each clip's layers on their own:
// rows made by hand for three clips whose scores interleave (clip c's worst beats clip a's best).
import { describe, expect, it } from 'vitest';
import { measureSummary, renderMeasureSummary } from '../src/measure/measureSummary.js';
import type { QualityRow } from '../src/rundir/CsvTypes.js';

const row = (scenario: string, rid: string, vmaf: number): QualityRow =>
  ({
    scenario_id: scenario,
    scenario: 'all-layers',
    codec: 'vp8',
    rid,
    layer: rid === 'f' ? '1280x720' : '640x360',
    size: '640x360',
    view: 'displayed',
    vmaf_mean: vmaf,
    actual_kbps: 100,
  }) as unknown as QualityRow;

describe('measure summary of a 3-clip study', () => {
  const rows = [
    row('a.all-layers.vp8', 'f', 60),
    row('a.all-layers.vp8', 'h', 55),
    row('b.all-layers.vp8', 'f', 80),
    row('b.all-layers.vp8', 'h', 85),
    row('c.all-layers.vp8', 'f', 95),
    row('c.all-layers.vp8', 'h', 90),
  ];
  const clipOf = (id: string) => id.split('.')[0];

  it('one ranking per clip, each with its own best', () => {
    const s = measureSummary('/run', rows, [], [], clipOf);
    expect(s.viewports.map((v) => [v.clip, v.best?.scenarioId, v.best?.rid])).toEqual([
      ['a', 'a.all-layers.vp8', 'f'],
      ['b', 'b.all-layers.vp8', 'h'],
      ['c', 'c.all-layers.vp8', 'f'],
    ]);
    for (const v of s.viewports) expect(new Set(v.rows.map((r) => clipOf(r.scenarioId)))).toEqual(new Set([v.clip]));
    expect(renderMeasureSummary(s)).toContain('viewer 640x360 (vp8, clip b)');
  });

  it('a one-clip run keeps one ranking without a clip label', () => {
    const s = measureSummary('/run', rows.slice(0, 2), [], []);
    expect(s.viewports).toHaveLength(1);
    expect(s.viewports[0].clip).toBeUndefined();
  });
});
