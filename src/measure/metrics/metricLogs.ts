// Per-frame metric logs written by the metric filter graph: libvmaf's JSON log (same "frames"
// layout in libvmaf 1.x and 2.x), and the psnr / ssim filters' stats files ("n:1 key:value ...").
import { readFileSync } from 'node:fs';

export interface FrameMetrics {
  vmaf?: number;
  psnr_y?: number;
  psnr_avg?: number;
  ssim?: number;
}

/** ffmpeg prints "inf" for identical frames; simq reports a cap so means stay finite (docs/measure.md). */
export const PSNR_CAP_DB = 100;

function statsLines(text: string): Map<number, Record<string, string>> {
  const frames = new Map<number, Record<string, string>>();
  for (const line of text.split('\n')) {
    const fields: Record<string, string> = {};
    for (const m of line.matchAll(/(\w+):(\S+)/g)) fields[m[1]] = m[2];
    if (fields.n !== undefined) frames.set(Number(fields.n) - 1, fields);
  }
  return frames;
}

function psnrValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'inf') return PSNR_CAP_DB;
  const v = Number(text);
  return Number.isFinite(v) ? Math.min(v, PSNR_CAP_DB) : undefined;
}

/** psnr filter stats_file: n (1-based), psnr_y, psnr_avg (plane-size weighted MSE). */
export function parsePsnrStats(text: string): Map<number, { psnr_y?: number; psnr_avg?: number }> {
  const out = new Map<number, { psnr_y?: number; psnr_avg?: number }>();
  for (const [n, f] of statsLines(text)) out.set(n, { psnr_y: psnrValue(f.psnr_y), psnr_avg: psnrValue(f.psnr_avg) });
  return out;
}

/** ssim filter stats_file: "All" is the plane-size weighted SSIM of Y, U and V. */
export function parseSsimStats(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [n, f] of statsLines(text)) if (f.All !== undefined) out.set(n, Number(f.All));
  return out;
}

interface VmafLog {
  frames?: { frameNum: number; metrics: Record<string, number> }[];
}

export function parseVmafLog(text: string): Map<number, number> {
  const json = JSON.parse(text) as VmafLog;
  const out = new Map<number, number>();
  for (const f of json.frames ?? []) {
    const v = f.metrics.vmaf;
    if (typeof v === 'number' && Number.isFinite(v)) out.set(f.frameNum, v);
  }
  return out;
}

export interface MetricLogFiles {
  vmaf?: string;
  psnr: string;
  ssim: string;
}

/**
 * Reads the three logs of one metric job into one record per scored picture (by position in the
 * stream). With subsample N, `frames` pictures were sent and pictures 0, N, 2N, ... scored: libvmaf
 * numbers them by stream position, psnr/ssim count only the pictures they were given.
 */
export function readMetricLogs(files: MetricLogFiles, frames: number, subsample = 1): FrameMetrics[] {
  const psnr = parsePsnrStats(readFileSync(files.psnr, 'utf8'));
  const ssim = parseSsimStats(readFileSync(files.ssim, 'utf8'));
  const vmaf = files.vmaf ? parseVmafLog(readFileSync(files.vmaf, 'utf8')) : undefined;
  const out: FrameMetrics[] = [];
  for (let j = 0; j * subsample < frames; j++) {
    out.push({
      vmaf: vmaf?.get(j * subsample),
      psnr_y: psnr.get(j)?.psnr_y,
      psnr_avg: psnr.get(j)?.psnr_avg,
      ssim: ssim.get(j),
    });
  }
  return out;
}
