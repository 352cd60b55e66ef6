// The best (spatial, temporal) operating points per viewer size: of all the (layer, temporal level)
// pairs an SFU can forward, those no other pair beats at the same or a lower bitrate (the upper
// envelope of quality vs bitrate). Each answers "the best picture for this many kbps".
import type { QualityRow } from '../rundir/CsvTypes.js';

export interface OperatingPoint {
  scenarioId: string;
  rid: string;
  layer: string;
  temporalLayer: number;
  fps?: number;
  kbps?: number;
  vmaf?: number;
  psnrY?: number;
}

export interface ViewerOperatingPoints {
  codec: string;
  size: string;
  /** Cheapest first; each one scores higher than every cheaper one. */
  points: OperatingPoint[];
  /** Every measured pair at this size, cheapest first. */
  all: OperatingPoint[];
}

/** The quality.csv columns read here (a written row or a parsed one). */
export type OperatingPointRow = Pick<
  QualityRow,
  | 'scenario_id'
  | 'rid'
  | 'layer'
  | 'codec'
  | 'size'
  | 'temporal_layer'
  | 'op_fps'
  | 'op_kbps'
  | 'vmaf_mean'
  | 'psnr_y_mean'
>;

const score = (p: OperatingPoint) => p.vmaf ?? p.psnrY ?? -Infinity;

/** The points not beaten by a point at the same or a lower bitrate, cheapest first. */
export function upperEnvelope(points: readonly OperatingPoint[]): OperatingPoint[] {
  const sorted = points.filter((p) => p.kbps !== undefined).sort((a, b) => a.kbps! - b.kbps! || score(b) - score(a));
  const out: OperatingPoint[] = [];
  for (const p of sorted) if (out.length === 0 || score(p) > score(out[out.length - 1])) out.push(p);
  return out;
}

/** Per codec and viewport, the envelope over the temporal operating point rows (temporal_layer set). */
export function viewerOperatingPoints(rows: readonly OperatingPointRow[]): ViewerOperatingPoints[] {
  const groups = new Map<string, OperatingPoint[]>();
  for (const r of rows) {
    if (r.temporal_layer === undefined || r.size === 'native') continue;
    const key = `${r.codec} ${r.size}`;
    const p: OperatingPoint = {
      scenarioId: r.scenario_id,
      rid: r.rid,
      layer: r.layer,
      temporalLayer: r.temporal_layer,
      fps: r.op_fps,
      kbps: r.op_kbps,
      vmaf: r.vmaf_mean,
      psnrY: r.psnr_y_mean,
    };
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.entries()]
    .map(([key, points]) => {
      const [codec, size] = key.split(' ');
      return {
        codec,
        size,
        points: upperEnvelope(points),
        all: [...points].sort((a, b) => (a.kbps ?? Infinity) - (b.kbps ?? Infinity)),
      };
    })
    .sort((a, b) => a.codec.localeCompare(b.codec) || Number(a.size.split('x')[0]) - Number(b.size.split('x')[0]));
}
