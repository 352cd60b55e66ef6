// The report's layer-state strip (src/report/layerStateStrip.ts), on stats rows made by hand: every
// second's state is known by construction (which layer was set inactive, sent nothing, or reported a
// qualityLimitationReason), so the cells can be counted without the report code.
import { describe, expect, it } from 'vitest';
import { layerState, layerStateStrip } from '../src/report/layerStateStrip.js';
import type { StatsRow } from '../src/rundir/CsvTypes.js';
import type { ScenarioRecord } from '../src/rundir/RunTypes.js';

const SECONDS = 10;
/** f off (0 bps, 0 fps, still active) from 4 to 6 s, as libwebrtc's allocator does under a drop; h set inactive at 8 s; h bandwidth-limited at 2-3 s. */
function rows(): StatsRow[] {
  const out: StatsRow[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (const rid of ['q', 'h', 'f']) {
      const fOff = rid === 'f' && s >= 4 && s <= 6;
      const hInactive = rid === 'h' && s === 8;
      out.push({
        second: s,
        t_s: s + 0.5,
        warmup: s < 2 ? 1 : 0,
        rid,
        active: hInactive ? 'false' : 'true',
        target_kbps: fOff ? 0 : 300,
        actual_kbps: fOff || hInactive ? 0 : 280,
        fps: fOff || hInactive ? 0 : 30,
        quality_limitation_reason:
          rid === 'h' && (s === 2 || s === 3) ? 'bandwidth' : rid === 'q' && s === 9 ? 'cpu' : 'none',
      } as StatsRow);
    }
  }
  return out;
}

const scenario = {
  id: 'step<x>',
  scenario: { encodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] },
} as unknown as ScenarioRecord;

function cells(html: string, rid: string): string[] {
  const line = html.split('\n').find((l) => l.includes(`>${rid}</span></td>`));
  if (!line) throw new Error(`no row for ${rid}`);
  return [...line.matchAll(/class="ls ls-(\w+)"/g)].map((m) => m[1]);
}

describe('layer-state strip', () => {
  const html = layerStateStrip(scenario, rows(), { q: '#111', h: '#222', f: '#333' });

  it('one cell per layer per second, in encodings order', () => {
    for (const rid of ['q', 'h', 'f']) expect(cells(html, rid)).toHaveLength(SECONDS);
    expect(html.indexOf('>q</span>')).toBeLessThan(html.indexOf('>h</span>'));
    expect(html.indexOf('>h</span>')).toBeLessThan(html.indexOf('>f</span>'));
  });

  it('f is off exactly in the three seconds it sent nothing, though still active', () => {
    const f = cells(html, 'f');
    expect(f.map((c, i) => (c === 'off' ? i : -1)).filter((i) => i >= 0)).toEqual([4, 5, 6]);
  });

  it('h: bandwidth-limited at 2-3 s, off when set inactive at 8 s; q CPU-limited at 9 s', () => {
    const h = cells(html, 'h');
    expect(h[2]).toBe('bandwidth');
    expect(h[3]).toBe('bandwidth');
    expect(h[8]).toBe('off');
    expect(h.filter((c) => c === 'none')).toHaveLength(SECONDS - 3);
    expect(cells(html, 'q')[9]).toBe('cpu');
  });

  it('a missing row is "no stats", not "off"; no rows gives no strip', () => {
    expect(layerState(undefined)).toBe('unknown');
    const partial = rows().filter((r) => !(r.rid === 'q' && r.second === 5));
    expect(cells(layerStateStrip(scenario, partial, {}), 'q')[5]).toBe('unknown');
    expect(layerStateStrip(scenario, [], {})).toBe('');
  });

  it('titles are escaped', () => {
    const odd = rows().map((r) => (r.rid === 'q' ? { ...r, rid: 'q"<b>' } : r));
    const s = {
      ...scenario,
      scenario: { encodings: [{ rid: 'q"<b>' }, { rid: 'h' }, { rid: 'f' }] },
    } as unknown as ScenarioRecord;
    const out = layerStateStrip(s, odd, {});
    expect(out).not.toContain('q"<b>');
    expect(out).toContain('q&quot;&lt;b&gt;');
  });
});
