// One measurement job: one layer at one size. One decode of the layer, one metric ffmpeg with
// VMAF + PSNR + SSIM in one filter graph, frames streamed through pipes (nothing raw on disk).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SimqError, ExitCode } from '../../errors.js';
import type { Y4mFile } from '../../input/Y4mFile.js';
import { FfmpegCommand, rawFrameBytes } from '../../tools/FfmpegArgs.js';
import { metricProcessEnv } from '../../tools/mallocTuning.js';
import { tail } from '../../tools/process.js';
import { FrameWriter } from '../../tools/frameWriter.js';
import { rawFrames } from '../../tools/rawFrames.js';
import { LOG_FILES, metricGraph } from './metricGraph.js';
import { readMetricLogs, type FrameMetrics } from './metricLogs.js';
import { StackedPair } from './StackedPair.js';

/** One picture the viewer sees: a decoded frame shown while the source shows sourceIndex. */
export interface DisplayEntry {
  /** Index of the decoded (captured) frame shown. */
  frameIndex: number;
  sourceIndex: number;
  /** The encoder dropped this source frame: the previous picture stays on screen. */
  frozen: boolean;
}

/** How the metric ffmpeg is run: directly, or inside docker (argsPrefix ends with the image). */
export interface MetricRunner {
  command: string;
  argsPrefix: string[];
  /** libvmaf filter options without log_path / log_fmt; undefined: no VMAF. */
  libvmafOptions?: string;
  /** libvmaf threads per job (n_threads); unset: libvmaf's default. */
  threads?: number;
}

export interface MetricJobSpec {
  /** Decoder: the local ffmpeg. */
  ffmpegPath: string;
  bitstream: string;
  codec: string;
  /** Forced decoder (an SVC point of VP9: libvpx-vp9, see src/measure/svcDecoder.ts). */
  decoder?: string;
  decodedSize: { width: number; height: number };
  reference: Y4mFile;
  entries: DisplayEntry[];
  size: { width: number; height: number };
  runner: MetricRunner;
  /** Scratch directory for the logs (removed after a successful parse). */
  workDir: string;
  /** Quick mode: score pictures 0, N, 2N, ... of `entries` (all are sent); the result has one record per scored picture. */
  subsample?: number;
  /** Called with the number of pictures sent so far. */
  onProgress?: (sent: number) => void;
  signal?: AbortSignal;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function track(child: ChildProcess): Promise<Finished> {
  const err: Buffer[] = [];
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export function libvmafWithThreads(runner: MetricRunner): string | undefined {
  if (runner.libvmafOptions === undefined || runner.threads === undefined) return runner.libvmafOptions;
  return `${runner.libvmafOptions}:n_threads=${runner.threads}`;
}

export function decoderArgs(
  bitstream: string,
  codec: string,
  size: { width: number; height: number },
  decoder?: string,
): string[] {
  // -vsync passthrough: every decoded frame out once, in order; pairing is by position, never by timestamp.
  return new FfmpegCommand()
    .input(bitstream, { format: codec === 'h264' ? 'h264' : 'ivf', decoder })
    .output('-', { format: 'rawvideo', pixFmt: 'yuv420p', passthrough: true, size })
    .args();
}

export async function runMetricJob(spec: MetricJobSpec): Promise<FrameMetrics[]> {
  const { entries, reference, decodedSize, size, runner } = spec;
  if (entries.length === 0) return [];
  const pair = new StackedPair(decodedSize, { width: reference.width, height: reference.height });
  mkdirSync(spec.workDir, { recursive: true });
  const logs = {
    vmaf: path.join(spec.workDir, LOG_FILES.vmaf),
    psnr: path.join(spec.workDir, LOG_FILES.psnr),
    ssim: path.join(spec.workDir, LOG_FILES.ssim),
  };
  const metricArgs = new FfmpegCommand()
    .overwrite()
    // pipe:0, not '-': some ffmpeg builds with libvmaf >= 2 leave out the fd protocol that '-' needs.
    .input('pipe:0', { raw: { width: pair.width, height: pair.height, pixFmt: 'yuv420p', fps: reference.fps } })
    .filterComplex(
      metricGraph({ pair, size, libvmafOptions: libvmafWithThreads(runner), logs, subsample: spec.subsample }),
    )
    .output('-', { map: '[out]', format: 'null' })
    .args();
  const decoder = spawn(spec.ffmpegPath, decoderArgs(spec.bitstream, spec.codec, decodedSize, spec.decoder), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Inside docker the same variables travel as --env (dockerRunArgs); here they are the child's env.
  const metric = spawn(runner.command, [...runner.argsPrefix, ...metricArgs], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: metricProcessEnv(),
  });
  metric.stdin!.on('error', () => undefined);
  const decoderDone = track(decoder);
  const metricDone = track(metric);
  const kill = () => {
    decoder.kill('SIGKILL');
    metric.kill('SIGKILL');
  };
  spec.signal?.addEventListener('abort', kill, { once: true });
  if (spec.signal?.aborted) kill();

  let feedError: Error | undefined;
  try {
    // Each decoded frame is copied into the stacked frame before the next is read: two buffers do.
    const frames = rawFrames(decoder.stdout!, rawFrameBytes(decodedSize.width, decodedSize.height, 'yuv420p'), {
      reuse: true,
    });
    const writer = new FrameWriter(metric.stdin!, pair.frameBytes);
    const scratch = Buffer.allocUnsafe(reference.frameBytes);
    let decodedIndex = -1;
    let current: Buffer | undefined;
    let sent = 0;
    for (const entry of entries) {
      while (decodedIndex < entry.frameIndex) {
        const next = await frames.next();
        if (next.done)
          throw new Error(`the decoder gave ${decodedIndex + 1} frames; frame ${entry.frameIndex} was expected`);
        current = next.value;
        decodedIndex++;
      }
      const stacked = await writer.next();
      pair.placeDistorted(stacked, current!);
      pair.placeReference(stacked, reference, entry.sourceIndex, scratch);
      writer.write();
      sent++;
      if (sent % 10 === 0) spec.onProgress?.(sent);
    }
    await writer.flush();
    spec.onProgress?.(sent);
    // The rest of the decode is not needed.
    decoder.stdout!.destroy();
  } catch (e) {
    feedError = e as Error;
    kill();
  } finally {
    // A decoder stdout left unread never closes, so the decoder's 'close' would never come and the
    // event loop would run dry (exit 13) after a kill: always let go of it.
    decoder.stdout!.destroy();
    metric.stdin!.end();
    spec.signal?.removeEventListener('abort', kill);
  }
  const [dec, met] = await Promise.all([decoderDone, metricDone]);
  const where = `${path.basename(spec.bitstream)} @${size.width}x${size.height}`;
  if (spec.signal?.aborted) throw new SimqError(`${where}: interrupted`, ExitCode.interrupted);
  if (feedError) {
    const decoderSaid = dec.code !== 0 && dec.signal !== 'SIGKILL' ? `; ffmpeg said: ${tail(dec.stderr, 3)}` : '';
    throw new SimqError(
      `${where}: ${feedError.message}${decoderSaid}${met.code ? `; metric ffmpeg said: ${tail(met.stderr, 3)}` : ''}`,
      ExitCode.incomplete,
    );
  }
  if (met.code !== 0)
    throw new SimqError(
      `${where}: the metric ffmpeg failed (exit ${met.code ?? met.signal}): ${tail(met.stderr)}`,
      ExitCode.incomplete,
    );
  const metrics = readMetricLogs(
    { ...logs, vmaf: runner.libvmafOptions ? logs.vmaf : undefined },
    entries.length,
    spec.subsample ?? 1,
  );
  const missing = metrics.findIndex(
    (m) =>
      m.psnr_y === undefined || m.ssim === undefined || (runner.libvmafOptions !== undefined && m.vmaf === undefined),
  );
  if (missing >= 0)
    throw new SimqError(
      `${where}: the metric logs have no values for scored picture ${missing} of ${metrics.length}`,
      ExitCode.internal,
    );
  rmSync(spec.workDir, { recursive: true, force: true });
  return metrics;
}
