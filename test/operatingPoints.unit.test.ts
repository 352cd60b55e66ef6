// The best (layer, temporal level) pairs per viewer size, on a hand-made table whose envelope is
// worked out by hand.
import { describe, expect, it } from 'vitest';
import { upperEnvelope, viewerOperatingPoints } from '../src/measure/operatingPoints.js';
import type { QualityRow } from '../src/rundir/CsvTypes.js';
import { operatingPointCharts } from '../src/report/charts/operatingPoints.js';
import { renderOperatingPoints } from '../src/report/operatingPointsHtml.js';
import { PSNR_METRIC, VMAF_METRIC } from '../src/report/reportMetric.js';

function row(rid: string, temporal: number | undefined, kbps: number, vmaf: number, size = '640x360'): QualityRow {
  return {
    scenario_id: 's',
    scenario: 'all-layers',
    codec: 'vp8',
    rid,
    layer: rid,
    size,
    view: 'displayed',
    frames: 1,
    dropped: 0,
    vmaf_mean: vmaf,
    temporal_layer: temporal,
    op_kbps: temporal === undefined ? undefined : kbps,
    op_fps: temporal === undefined ? undefined : 7.5 * 2 ** temporal,
  };
}

describe('operating points per viewer size', () => {
  it('keeps the pairs no cheaper pair beats: f at 15 fps over h at 30 fps', () => {
    const rows = [
      row('q', 2, 300, 50),
      row('h', 0, 500, 60),
      row('f', 0, 600, 55), // beaten by h T0 at 500 kbps
      row('f', 1, 900, 85),
      row('h', 2, 1000, 80), // beaten by f T1 at 900 kbps
      row('f', 2, 1500, 90),
      row('f', undefined, 1600, 95), // the layer as sent: not an operating point row
      row('f', 1, 100, 99, 'native'), // native size: not a viewer size
    ];
    const [v] = viewerOperatingPoints(rows);
    expect(v.size).toBe('640x360');
    expect(v.points.map((p) => `${p.rid}T${p.temporalLayer}`)).toEqual(['qT2', 'hT0', 'fT1', 'fT2']);
    expect(v.points[2]).toMatchObject({ kbps: 900, fps: 15, vmaf: 85 });
  });

  it('at equal kbps the better score wins; points without kbps are left out', () => {
    const a = { scenarioId: 's', rid: 'a', layer: 'a', temporalLayer: 0, kbps: 100, vmaf: 40 };
    const b = { ...a, rid: 'b', vmaf: 45 };
    const c = { ...a, rid: 'c', kbps: undefined, vmaf: 99 };
    expect(upperEnvelope([a, b, c]).map((p) => p.rid)).toEqual(['b']);
  });

  it('the report lists every pair per viewer size, the envelope starred, text escaped', () => {
    const rows = [
      row('q', 2, 300, 50),
      row('h', 2, 1000, 80),
      row('f', 1, 900, 85),
      { ...row('f', 0, 600, 40), scenario_id: '<s>' },
    ];
    const html = renderOperatingPoints(rows, { q: '#111', h: '#222', f: '#333' }, 'VMAF')!;
    const trs = html.split('<tr>').slice(2);
    // Cheapest first: q T2 300 (★), f T0 600 (40 < 50, no), f T1 900 (★), h T2 1000 (80 < 85, no).
    expect(
      trs.map((t) => [
        t.includes('★'),
        /T\d/.exec(t)![0],
        /<td class="n">(\d+)<\/td><td class="n">[\d.]+<\/td><td>/.exec(t)?.[1],
      ]),
    ).toEqual([
      [true, 'T2', '300'],
      [false, 'T0', '600'],
      [true, 'T1', '900'],
      [false, 'T2', '1000'],
    ]);
    expect(html).toContain('&lt;s&gt;');
    expect(html).not.toContain('<s>');
    expect(renderOperatingPoints([row('f', undefined, 1, 1)], {}, 'VMAF')).toBeUndefined();
  });

  it('the report charts every pair per viewer size: a series per rid, a line per layer through its levels, the envelope', () => {
    const rows = [
      row('q', 0, 80, 30),
      row('q', 1, 120, 40),
      row('q', 2, 300, 50),
      row('h', 0, 500, 60),
      row('h', 2, 1000, 80),
      row('f', 0, 600, 55),
      row('f', 1, 900, 85),
      row('f', 2, 1500, 90),
      row('f', 1, 700, 10, '320x180'),
      row('f', undefined, 1600, 95),
    ];
    const charts = operatingPointCharts(rows, VMAF_METRIC, { q: '#111', h: '#222', f: '#333' }, ['q', 'h', 'f']);
    expect(charts.map((c) => [c.id, c.kind])).toEqual([
      ['operating-points-vp8-320x180', 'operating-points'],
      ['operating-points-vp8-640x360', 'operating-points'],
    ]);
    const [view] = charts[1].views;
    // x: every pair's kbps, cheapest first; each series has a value exactly at its own pairs.
    expect(view.x).toEqual([80, 120, 300, 500, 600, 900, 1000, 1500]);
    const at = (label: string) => {
      const s = view.series.find((x) => x.label === label)!;
      return view.x.filter((_, i) => s.values[i] !== null).map((x, i) => [x, s.values.filter((v) => v !== null)[i]]);
    };
    expect(view.series.map((s) => [s.label, s.style, s.data])).toEqual([
      ['q', 'points', true],
      ['h', 'points', true],
      ['f', 'points', true],
      ['q T0..T2', 'envelope', false],
      ['h T0..T2', 'envelope', false],
      ['f T0..T2', 'envelope', false],
      ['best operating points', 'envelope', false],
    ]);
    expect(at('h')).toEqual([
      [500, 60],
      [1000, 80],
    ]);
    expect(at('f T0..T2')).toEqual([
      [600, 55],
      [900, 85],
      [1500, 90],
    ]);
    // By hand: 30, 40, 50 rise; h T0 60 beats them; f T0 55 < 60 no; f T1 85; h T2 80 < 85 no; f T2 90.
    expect(at('best operating points')).toEqual([
      [80, 30],
      [120, 40],
      [300, 50],
      [500, 60],
      [900, 85],
      [1500, 90],
    ]);
    // A label per pair, those on the envelope first, naming the level and frame rate.
    expect(view.labels!.length).toBe(8);
    expect(view.labels!.slice(0, 6).map((l) => l.text)).toEqual([
      'q T0 7.5 fps',
      'q T1 15.0 fps',
      'q T2 30.0 fps',
      'h T0 7.5 fps',
      'f T1 15.0 fps',
      'f T2 30.0 fps',
    ]);
    expect(view.labels!.every((l) => view.series[l.series].values[l.index] !== null)).toBe(true);
    // No score in the report's metric: no chart.
    expect(operatingPointCharts(rows, PSNR_METRIC, {}, [])).toEqual([]);
  });
});
