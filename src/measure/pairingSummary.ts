// How much of a layer's pairing can be trusted, in the words the summary, run.json and the report use.
import type { QualityRow } from '../rundir/CsvTypes.js';

/** Share of a layer's measured pictures that may be ambiguous before the layer is named as doubtful. */
export const PAIRING_DOUBT_SHARE = 0.01;

type PairingCells = Pick<QualityRow, 'paired_verified' | 'paired_tied' | 'paired_repaired' | 'paired_ambiguous'> & {
  pairing?: string;
};

/** "100 %" of the measured pictures paired with certainty, "99.4 % (3 re-paired)", or "93.1 % doubtful". */
export function pairedLabel(r: PairingCells): string {
  if (r.pairing === undefined || r.pairing === '') return '-';
  const sure = (r.paired_verified ?? 0) + (r.paired_tied ?? 0) + (r.paired_repaired ?? 0);
  const all = sure + (r.paired_ambiguous ?? 0);
  if (!all) return '-';
  const share = `${Math.floor((sure / all) * 1000) / 10} %`;
  if (r.pairing === 'doubtful') return `${share} doubtful`;
  return r.paired_repaired ? `${share} (${r.paired_repaired} re-paired)` : share;
}
