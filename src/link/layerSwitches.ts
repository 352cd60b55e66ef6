// Under a moving link the allocator switches layers off and on (mediasoup #804: "5-6 layer switches
// a minute"): per layer, the seconds it was off and how often it switched, from stats.csv rows after
// the warm-up. A layer counts as off in a second where it encoded no frame (fps 0) or outbound-rtp
// said active=false.
import type { StatsRow } from '../rundir/CsvTypes.js';

export interface LayerSwitching {
  rid: string;
  /** Seconds of the window the layer was off. */
  offS: number;
  /** On -> off and off -> on transitions. */
  switches: number;
  /** t_s of each second the layer went off / came back. */
  offAt: number[];
  onAt: number[];
}

export function layerSwitching(rows: StatsRow[], fromS: number): LayerSwitching[] {
  const rids = [...new Set(rows.map((r) => r.rid))];
  return rids.map((rid) => {
    const mine = rows.filter((r) => r.rid === rid && r.t_s > fromS).sort((a, b) => a.t_s - b.t_s);
    const out: LayerSwitching = { rid, offS: 0, switches: 0, offAt: [], onAt: [] };
    let prevT = fromS;
    let wasOn: boolean | undefined;
    for (const r of mine) {
      const on = (r.fps ?? 0) > 0 && r.active !== 'false';
      if (!on) out.offS += r.t_s - prevT;
      if (wasOn !== undefined && on !== wasOn) {
        out.switches++;
        (on ? out.onAt : out.offAt).push(r.t_s);
      }
      wasOn = on;
      prevT = r.t_s;
    }
    out.offS = Math.round(out.offS * 10) / 10;
    return out;
  });
}
