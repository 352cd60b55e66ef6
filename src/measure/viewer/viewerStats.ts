// What the viewer's browser said about freezes: inbound-rtp freezeCount and totalFreezesDuration
// (cumulative counters) at the end of <viewer>.stats.csv (docs/design-sfu-links.md), to set beside
// simq's own count from the displayed timeline (freezes.ts uses the same rule).
import { parseCsvText, readCsvText } from '../../io/readCsv.js';

const FIX = 'capture the run again (<viewer>.stats.csv is written by simq capture --viewers)';

export interface ViewerStats {
  freezes?: { count: number; totalS: number };
}

export function readViewerStats(file: string): ViewerStats {
  const rows = parseCsvText(readCsvText(file, FIX), file, {
    required: [],
    numeric: ['freezeCount', 'totalFreezesDuration'],
    fix: FIX,
  });
  const last = [...rows].reverse().find((r) => typeof r.freezeCount === 'number');
  if (!last) return {};
  return {
    freezes: { count: last.freezeCount as number, totalS: (last.totalFreezesDuration as number | undefined) ?? 0 },
  };
}
