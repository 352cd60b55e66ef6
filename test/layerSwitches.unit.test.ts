// Off time and switches per layer, on a timeline whose answer is known by construction.
import { describe, expect, it } from 'vitest';
import type { StatsRow } from '../src/rundir/CsvTypes.js';
import { layerSwitching } from '../src/link/layerSwitches.js';

const row = (t: number, rid: string, fps: number, active = 'true') =>
  ({ second: t, t_s: t, warmup: 0, rid, fps, active }) as StatsRow;

describe('layerSwitching', () => {
  it('counts the seconds off and each on/off transition after the warm-up', () => {
    // f: on 1-3, off 4-6 (fps 0), on 7-8, off 9 (active=false with a stray frame); q always on.
    const fps = [30, 30, 30, 0, 0, 0, 30, 30, 1];
    const rows = fps.flatMap((v, i) => [row(i + 1, 'q', 30), row(i + 1, 'f', v, i === 8 ? 'false' : 'true')]);
    const [q, f] = layerSwitching(rows, 0);
    expect(q).toEqual({ rid: 'q', offS: 0, switches: 0, offAt: [], onAt: [] });
    expect(f).toEqual({ rid: 'f', offS: 4, switches: 3, offAt: [4, 9], onAt: [7] });
  });

  it('ignores the warm-up', () => {
    const rows = [row(1, 'f', 0), row(2, 'f', 0), row(3, 'f', 30), row(4, 'f', 30)];
    expect(layerSwitching(rows, 2)[0]).toEqual({ rid: 'f', offS: 0, switches: 0, offAt: [], onAt: [] });
  });
});
