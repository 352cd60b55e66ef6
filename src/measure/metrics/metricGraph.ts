// The metric filter graph of one (layer, size) job: crop the stacked pair apart, scale both sides
// to the measurement size with one scaler, then VMAF, PSNR and SSIM in one chain over the same
// frames. Log paths are absolute and escaped for the graph; the docker backend mounts the work
// folder at the same path, so they hold inside the container too.
import { filterValue } from '../../tools/FfmpegArgs.js';
import type { StackedPair } from './StackedPair.js';

/** The scaler for every resize in the measure stage (recorded in run.json). */
export const SCALER = 'bicubic';

export const LOG_FILES = { vmaf: 'vmaf.json', psnr: 'psnr.log', ssim: 'ssim.log' } as const;

export interface MetricGraphOptions {
  pair: StackedPair;
  /** Measurement size: both sides are scaled to it when they differ. */
  size: { width: number; height: number };
  /** libvmaf options without log_path/log_fmt; undefined when VMAF is off. */
  libvmafOptions?: string;
  /** Absolute paths of the per-frame logs. */
  logs: { vmaf: string; psnr: string; ssim: string };
  /** Quick mode: every Nth picture scored (libvmaf n_subsample, select before psnr/ssim). */
  subsample?: number;
}

/**
 * crop of one side of the stacked frame. exact=1: without it libavfilter's crop rounds the size down
 * to whole chroma blocks for 4:2:0 (libavfilter/vf_crop.c config_input: w/h and x/y are masked with
 * the chroma subsampling unless "exact"), so a 240x135 layer came out 240x134 and libvmaf refused
 * two inputs of different sizes. x and y are even here (StackedPair), so exact changes nothing else.
 */
function crop(side: { width: number; height: number }, y: number): string {
  return `crop=w=${side.width}:h=${side.height}:x=0:y=${y}:exact=1`;
}

function scaleTo(from: { width: number; height: number }, to: { width: number; height: number }): string {
  return from.width === to.width && from.height === to.height
    ? ''
    : `,scale=w=${to.width}:h=${to.height}:flags=${SCALER}`;
}

/** Pictures 0, N, 2N, ... of the stream; commas escaped for the filter graph. */
function everyNth(n: number): string {
  return `select=not(mod(n\\,${n}))`;
}

export function metricGraph({ pair, size, libvmafOptions, logs, subsample = 1 }: MetricGraphOptions): string {
  if (subsample > 1) return subsampledGraph({ pair, size, libvmafOptions, logs, subsample });
  const d = pair.distorted;
  const r = pair.reference;
  const refOutputs = libvmafOptions ? ['r0', 'r1', 'r2'] : ['r1', 'r2'];
  const parts = [
    '[0:v]split=2[top][bottom]',
    `[top]${crop(d, 0)}${scaleTo(d, size)}[dist]`,
    `[bottom]${crop(r, pair.referenceTop)}${scaleTo(r, size)},split=${refOutputs.length}${refOutputs.map((o) => `[${o}]`).join('')}`,
  ];
  // libvmaf passes its first input (the distorted side, "main") through, so the chain measures the
  // same frames three times without splitting the distorted stream.
  if (libvmafOptions) {
    parts.push(`[dist][r0]libvmaf=${libvmafOptions}:log_path=${filterValue(logs.vmaf)}:log_fmt=json[v]`);
    parts.push(`[v][r1]psnr=stats_file=${filterValue(logs.psnr)}[p]`);
  } else {
    parts.push(`[dist][r1]psnr=stats_file=${filterValue(logs.psnr)}[p]`);
  }
  parts.push(`[p][r2]ssim=stats_file=${filterValue(logs.ssim)}[out]`);
  return parts.join(';');
}

/**
 * Quick mode: libvmaf sees every picture (its motion feature needs the neighbours) and scores every
 * Nth (n_subsample); psnr and ssim get only those pictures, selected on both sides.
 */
function subsampledGraph({
  pair,
  size,
  libvmafOptions,
  logs,
  subsample,
}: Required<Omit<MetricGraphOptions, 'libvmafOptions'>> & { libvmafOptions?: string }): string {
  const d = pair.distorted;
  const r = pair.reference;
  const pick = everyNth(subsample);
  const parts = [
    '[0:v]split=2[top][bottom]',
    `[top]${crop(d, 0)}${scaleTo(d, size)}[dist]`,
    `[bottom]${crop(r, pair.referenceTop)}${scaleTo(r, size)}${libvmafOptions ? ',split=2[r0][rs]' : '[rs]'}`,
    `[rs]${pick},split=2[r1][r2]`,
  ];
  if (libvmafOptions) {
    parts.push(
      `[dist][r0]libvmaf=${libvmafOptions}:n_subsample=${subsample}:log_path=${filterValue(logs.vmaf)}:log_fmt=json,${pick}[v]`,
    );
    parts.push(`[v][r1]psnr=stats_file=${filterValue(logs.psnr)}[p]`);
  } else {
    parts.push(`[dist]${pick}[ds]`, `[ds][r1]psnr=stats_file=${filterValue(logs.psnr)}[p]`);
  }
  parts.push(`[p][r2]ssim=stats_file=${filterValue(logs.ssim)}[out]`);
  return parts.join(';');
}
