// The score a report plots: VMAF when the measure stage produced it, else PSNR-Y (VMAF off or
// unavailable), and the report says so in the header and on every axis.
import type { PictureRow } from '../rundir/CsvTypes.js';
import type { ParsedQualityRow } from '../recommend/qualityTable.js';

export interface ReportMetric {
  name: 'VMAF' | 'PSNR-Y';
  /** quality.csv column. */
  column: 'vmaf_mean' | 'psnr_y_mean';
  /** pictures.csv column. */
  frameColumn: 'vmaf' | 'psnr_y';
  /** Axis text, e.g. "VMAF (mean over the steady state)". */
  unit: string;
  fallback: boolean;
  /** VMAF is bounded to 0..100; PSNR is not. */
  range?: [number, number];
}

export const VMAF_METRIC: ReportMetric = {
  name: 'VMAF',
  column: 'vmaf_mean',
  frameColumn: 'vmaf',
  unit: 'VMAF',
  fallback: false,
  range: [0, 100],
};
export const PSNR_METRIC: ReportMetric = {
  name: 'PSNR-Y',
  column: 'psnr_y_mean',
  frameColumn: 'psnr_y',
  unit: 'PSNR-Y (dB)',
  fallback: true,
};

export function chooseQualityMetric(rows: readonly ParsedQualityRow[]): ReportMetric {
  return rows.some((r) => r.vmaf_mean !== undefined) ? VMAF_METRIC : PSNR_METRIC;
}

export function chooseFrameMetric(rows: readonly PictureRow[]): ReportMetric {
  return rows.some((r) => typeof r.vmaf === 'number') ? VMAF_METRIC : PSNR_METRIC;
}
