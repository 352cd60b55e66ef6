// The camera feed for a browser without a file-backed fake camera (Firefox): the prepared Y4M is
// encoded once to a high-quality VP9 WebM that the page plays in a <video> and sends through
// captureStream(); the run's reference then becomes ffmpeg's decode of that same WebM, so what is
// measured against is exactly what the page played (lossless VP9 decodes too slowly in Firefox to
// hold 30 fps, so the feed is lossy and the reference follows it). Colour properties are tagged
// explicitly (BT.601, limited range), so the player does not guess them. When Chromium runs in the
// same run, its fake camera plays the decoded Y4M too: both browsers see the same pictures.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { InputError, SimqError } from '../errors.js';
import { tempPathFor } from '../io/atomicWrite.js';
import type { ReferenceClip } from '../rundir/RunTypes.js';
import { interruptedBy } from '../signals.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import { runProcess, tail } from '../tools/process.js';
import type { Progress } from '../ui/progress.js';
import { Y4mFile } from './Y4mFile.js';

/** libvpx-vp9 constant quality (0-63): near-transparent, yet decodable in real time at 720p. */
export const FEED_CRF = 10;
const FEED_VERSION = 1;

export function feedEncodeArgs(y4m: string, fps: number, target: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-i',
    y4m,
    '-c:v',
    'libvpx-vp9',
    '-crf',
    String(FEED_CRF),
    '-b:v',
    '0',
    '-deadline',
    'good',
    '-cpu-used',
    '4',
    '-row-mt',
    '1',
    '-g',
    String(fps * 2),
    '-pix_fmt',
    'yuv420p',
    '-colorspace',
    'smpte170m',
    '-color_primaries',
    'smpte170m',
    '-color_trc',
    'smpte170m',
    '-color_range',
    'tv',
    '-an',
    '-f',
    'webm',
    target,
  ];
}

export function feedDecodeArgs(webm: string, target: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-i',
    webm,
    '-vsync',
    'passthrough',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
    target,
  ];
}

async function runOnce(
  ffmpeg: FfmpegInfo,
  args: (tmp: string) => string[],
  target: string,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  if (existsSync(target)) return;
  const tmp = tempPathFor(target);
  try {
    const r = await runProcess(ffmpeg.path, args(tmp), { timeoutMs: 30 * 60_000, signal });
    if (signal?.aborted) throw interruptedBy(signal, what);
    if (r.code !== 0)
      throw new InputError(
        `ffmpeg could not ${what}: ${tail(r.stderr)}`,
        'check the clip plays: ffmpeg -i CLIP -f null -; and that ffmpeg has libvpx-vp9 (ffmpeg -encoders)',
      );
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The WebM feed of a prepared reference, and the reference replaced by ffmpeg's decode of it. */
export async function prepareFeed(
  reference: ReferenceClip,
  opts: { ffmpeg: FfmpegInfo; progress?: Progress; signal?: AbortSignal },
): Promise<ReferenceClip> {
  const base = reference.y4m.replace(/\.y4m$/, '');
  const webm = `${base}.feed${FEED_VERSION}-crf${FEED_CRF}.webm`;
  const decoded = `${base}.feed${FEED_VERSION}-crf${FEED_CRF}.decoded.y4m`;
  if (!existsSync(decoded))
    opts.progress?.info(`encoding the page's camera feed ${webm} (VP9 crf ${FEED_CRF}) and its decode, the reference`);
  await runOnce(
    opts.ffmpeg,
    (tmp) => feedEncodeArgs(reference.y4m, reference.fps, tmp),
    webm,
    `encode ${reference.y4m} to a VP9 feed`,
    opts.signal,
  );
  await runOnce(opts.ffmpeg, (tmp) => feedDecodeArgs(webm, tmp), decoded, `decode the feed ${webm}`, opts.signal);
  const y4m = Y4mFile.open(decoded);
  try {
    if (y4m.frameCount !== reference.frames || y4m.width !== reference.width || y4m.height !== reference.height) {
      throw new SimqError(
        `${decoded}: ${y4m.frameCount} frames of ${y4m.width}x${y4m.height}, expected ${reference.frames} of ${reference.width}x${reference.height}; delete it to rebuild it`,
      );
    }
  } finally {
    y4m.close();
  }
  return {
    ...reference,
    y4m: decoded,
    feed: {
      file: webm,
      encodedFrom: reference.y4m,
      encodedWith: feedEncodeArgs(reference.y4m, reference.fps, webm),
      decodedWith: feedDecodeArgs(webm, decoded),
    },
  };
}
