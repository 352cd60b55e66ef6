// The bench's baseline: for every (layer, size) job simq measured, the same pictures (pictures.csv:
// decoded frame and source frame of each picture, in display order) as two raw files already
// decoded, paired and scaled with simq's scaler; then one bare ffmpeg with libvmaf, psnr and ssim
// over them. Only runBareJob is timed.
import { PICTURES_CSV, picturesCsvToRead, QUALITY_CSV, runFile } from '../rundir/RunFiles.js';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { Y4mFile } from '../input/Y4mFile.js';
import { SCALER } from '../measure/metrics/metricGraph.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import { FfmpegCommand, filterValue, rawFrameBytes } from '../tools/FfmpegArgs.js';
import { runProcess, tail } from '../tools/process.js';
import { parseSize, type Size } from '../units.js';

export interface BareJob {
  key: string;
  bitstream: string;
  codec: string;
  decodedSize: Size;
  size: Size;
  reference: string;
  fps: number;
  pictures: { frameIndex: number; sourceIndex: number }[];
  dist?: string;
  ref?: string;
}

type Row = Record<string, string>;

const csv = (file: string): Row[] =>
  parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

/**
 * One job per (scenario, rid, measurement size) of a measured run, with its pictures from pictures.csv.
 * A layer's "native" row and the viewport of the same size are one job, as in simq (metricJobPlan.ts):
 * nobody running ffmpeg by hand would measure the same pictures twice.
 */
export function bareJobs(runDir: string): BareJob[] {
  const run = readRunRecord(runDir);
  const seen = new Set<string>();
  const quality = csv(runFile(runDir, QUALITY_CSV)).filter((q) => {
    const key = `${q.scenario_id} ${q.rid} ${q.size === 'native' ? q.layer : q.size}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const frames = csv(picturesCsvToRead(runDir) ?? runFile(runDir, PICTURES_CSV));
  return quality.map((q) => {
    const scenario = run.scenarios.find((s) => s.id === q.scenario_id)!;
    const layer = scenario.layers.find((l) => l.rid === q.rid)!;
    const decodedSize = parseSize(q.layer)!;
    const pictures = frames
      .filter((f) => f.scenario_id === q.scenario_id && f.rid === q.rid && f.size === q.size)
      .map((f) => ({ frameIndex: Number(f.frame_index), sourceIndex: Number(f.source_index) }));
    return {
      key: `${q.scenario_id}.${q.rid}.${q.size}`,
      bitstream: path.join(runDir, scenario.id, layer.bitstream!),
      codec: scenario.scenario.codec,
      decodedSize,
      size: q.size === 'native' ? decodedSize : parseSize(q.size)!,
      reference: run.input.y4m,
      fps: run.input.fps,
      pictures,
    };
  });
}

async function ffmpeg(bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  const r = await runProcess(bin, args, { env });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${tail(r.stderr)}`);
}

async function scaleRaw(
  bin: string,
  from: string,
  fromSize: Size,
  to: string,
  toSize: Size,
  fps: number,
): Promise<void> {
  const raw = { ...fromSize, pixFmt: 'yuv420p' as const, fps };
  await ffmpeg(
    bin,
    new FfmpegCommand()
      .overwrite()
      .input(from, { raw })
      .filterComplex(`[0:v]scale=w=${toSize.width}:h=${toSize.height}:flags=${SCALER}[s]`)
      .output(to, { map: '[s]', format: 'rawvideo', pixFmt: 'yuv420p' })
      .args(),
  );
  rmSync(from);
}

/** Writes the job's distorted and reference pictures, in order, at the job's size. */
export async function prepareBareJob(job: BareJob, bin: string, dir: string): Promise<void> {
  const base = path.join(dir, job.key);
  const decoded = `${base}.decoded.yuv`;
  await ffmpeg(
    bin,
    new FfmpegCommand()
      .overwrite()
      .input(job.bitstream, { format: job.codec === 'h264' ? 'h264' : 'ivf' })
      .output(decoded, { format: 'rawvideo', pixFmt: 'yuv420p', passthrough: true })
      .args(),
  );
  const reference = Y4mFile.open(job.reference);
  const refSize = { width: reference.width, height: reference.height };
  const frameBytes = rawFrameBytes(job.decodedSize.width, job.decodedSize.height, 'yuv420p');
  const frame = Buffer.alloc(frameBytes);
  const inFd = openSync(decoded, 'r');
  const distFd = openSync(`${base}.dist0.yuv`, 'w');
  const refFd = openSync(`${base}.ref0.yuv`, 'w');
  try {
    for (const p of job.pictures) {
      readSync(inFd, frame, 0, frameBytes, p.frameIndex * frameBytes);
      writeSync(distFd, frame);
      writeSync(refFd, reference.readFrame(p.sourceIndex));
    }
  } finally {
    [inFd, distFd, refFd].forEach((fd) => closeSync(fd));
    reference.close();
    rmSync(decoded);
  }
  const same = (a: Size, b: Size) => a.width === b.width && a.height === b.height;
  job.dist = same(job.decodedSize, job.size) ? `${base}.dist0.yuv` : `${base}.dist.yuv`;
  job.ref = same(refSize, job.size) ? `${base}.ref0.yuv` : `${base}.ref.yuv`;
  if (job.dist !== `${base}.dist0.yuv`)
    await scaleRaw(bin, `${base}.dist0.yuv`, job.decodedSize, job.dist, job.size, job.fps);
  if (job.ref !== `${base}.ref0.yuv`) await scaleRaw(bin, `${base}.ref0.yuv`, refSize, job.ref, job.size, job.fps);
}

/** libvmaf + psnr + ssim over the prepared pictures, the graph simq runs minus the crop and scale. */
/** One bare job; `env` for the ffmpeg (default: this process's, i.e. glibc's allocator defaults). Removes its inputs. */
export async function runBareJob(
  job: BareJob,
  bin: string,
  libvmafOptions: string,
  threads: number,
  env?: NodeJS.ProcessEnv,
): Promise<void> {
  const raw = { ...job.size, pixFmt: 'yuv420p' as const, fps: job.fps };
  const log = (ext: string) => filterValue(`${job.dist}.${ext}`);
  const graph = `[1:v]split=3[r0][r1][r2];[0:v][r0]libvmaf=${libvmafOptions}:n_threads=${threads}:log_path=${log('json')}:log_fmt=json[v];[v][r1]psnr=stats_file=${log('psnr')}[p];[p][r2]ssim=stats_file=${log('ssim')}[out]`;
  try {
    await ffmpeg(
      bin,
      new FfmpegCommand()
        .input(job.dist!, { raw })
        .input(job.ref!, { raw })
        .filterComplex(graph)
        .output('-', { map: '[out]', format: 'null' })
        .args(),
      env,
    );
  } finally {
    for (const f of [job.dist!, job.ref!, `${job.dist}.json`, `${job.dist}.psnr`, `${job.dist}.ssim`])
      rmSync(f, { force: true });
  }
}
