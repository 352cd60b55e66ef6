// Turns any clip ffmpeg reads into the reference Y4M of a run: plain 8-bit 4:2:0 (yuv420p), at the
// capture size and frame rate. Chromium's fake camera (--use-file-for-fake-video-capture) plays
// this file at the file's own frame rate and loops it, so its frames ARE the source the encoder
// saw; the measure stage compares each decoded frame with the Y4M frame it came from.
// What Chromium's reader (media/capture/video/file_video_capture_device.cc) accepts: C420,
// C420jpeg, C420mpeg2 or C420paldv; a header under 200 bytes; plain "FRAME\n" frame headers (it
// steps by frame size + 6); no partial frame at the end (a short read is a CHECK failure); and the
// frame rate as num / den in INTEGER arithmetic (F30000:1001 plays at 29 fps). So the rate here is
// always a whole number.
// Converted once per (clip content, settings) and kept in a cache: Y4M is big (41 MB/s at 720p30).
//
// The camera tail. The fake camera starts playing when the page opens it, a moment before the
// encoder gets the track, and a capture runs past --duration while it waits for the sender to
// settle; so a file of exactly --duration seconds wraps inside the measured window. The wrap is a
// scene cut the user's content does not have: libvpx's rate control then drops frames of the upper
// layers for up to two seconds (measured on the camera sample, all-layers VP8: f lost 48 frames in
// the 2 s after the wrap, 26.6 fps over the window, with qualityLimitationReason "none"), which read
// as a CPU-degraded capture. So the file goes on past --duration for `tailS` seconds: with the
// clip's own next frames when it has them ("continuation"), else with its last frames played
// backwards ("mirror": ..., N-2, N-1, N-2, N-3, ...), which keeps the motion continuous.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { simqCacheDir } from '../paths.js';
import { InputError, OutputError, SimqError } from '../errors.js';
import { tempPathFor, writeJsonAtomic } from '../io/atomicWrite.js';
import { interruptedBy } from '../signals.js';
import type { CameraTail, ReferenceClip } from '../rundir/RunTypes.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import { FfmpegCommand } from '../tools/FfmpegArgs.js';
import { runProcess, tail } from '../tools/process.js';
import type { Progress } from '../ui/progress.js';
import type { Size } from '../units.js';
import { probeClip, type ClipInfo } from './probeClip.js';
import { Y4mFile } from './Y4mFile.js';

/** Default caps: the largest layer simq captures is 1280x720 at 30 fps (libwebrtc's 720p row). */
export const MAX_DEFAULT_WIDTH = 1280;
export const MAX_DEFAULT_HEIGHT = 720;
export const MAX_DEFAULT_FPS = 30;
/** Without --duration, longer clips are cut here (the fake camera loops anyway; Y4M is 41 MB/s at 720p30). */
export const MAX_DEFAULT_DURATION_S = 60;
/** Bump when the conversion changes, so old cache entries are not reused. */
const PREPARE_VERSION = 2;

export interface PrepareOptions {
  size?: Size;
  fps?: number;
  durationS?: number;
  ffmpeg: FfmpegInfo;
  /** Default: clipCacheDir(). */
  cacheDir?: string;
  progress?: Progress;
  /** Ctrl-C / SIGTERM / SIGHUP: the conversion stops and its temporary file is removed. */
  signal?: AbortSignal;
  /** Seconds of camera tail after the clip's used part (see the top of this file); default none. */
  tailS?: number;
}

/** `$SIMQ_CACHE_DIR` or `$XDG_CACHE_HOME/simq` or `~/.cache/simq`, subfolder clips. */
export function clipCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return simqCacheDir('clips', env);
}

/** Refuses a clip path that is not a regular file before anything opens it (see sha256File). */
export function requireRegularFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new InputError(
      `${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'pass the path of a video file',
    );
  }
  if (st.isFile()) return;
  if (st.isDirectory())
    throw new InputError(
      `${file}: is a directory, not a video file`,
      'pass the path of a video file (mp4, webm, mkv, y4m)',
    );
  const kind = st.isFIFO()
    ? 'a FIFO (named pipe)'
    : st.isCharacterDevice() || st.isBlockDevice()
      ? 'a device'
      : st.isSocket()
        ? 'a socket'
        : 'not a regular file';
  throw new InputError(
    `${file}: is ${kind}, not a regular file; simq hashes and re-reads its clips, which a stream cannot give`,
    'save the video to a file first (e.g. ffmpeg -i <stream> -c copy clip.mp4) and pass that file',
  );
}

/**
 * sha256 of a clip file. Only a regular file is read: a FIFO would block the read for ever (no
 * writer) and /dev/zero never ends, so both are refused before a byte is read. The read stops when
 * `signal` aborts (Ctrl-C during the hash of a large clip).
 */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  requireRegularFile(file);
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { signal })) {
      hash.update(chunk as Buffer);
    }
  } catch (e) {
    if (signal?.aborted) throw interruptedBy(signal, `hashing ${file}`);
    throw e;
  }
  if (signal?.aborted) throw interruptedBy(signal, `hashing ${file}`);
  return hash.digest('hex');
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/** Checks --size / --fps / --duration before any work. */
export function validatePrepareOptions(opts: Pick<PrepareOptions, 'size' | 'fps' | 'durationS'>): void {
  if (opts.size) {
    const { width, height } = opts.size;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width % 2 || height % 2) {
      throw new InputError(
        `--size ${width}x${height}: width and height must be positive even numbers (4:2:0 video stores one chroma sample per 2x2 pixels, and the fake camera and encoders expect whole chroma blocks)`,
        `--size ${even(Math.abs(width) || 2)}x${even(Math.abs(height) || 2)}`,
      );
    }
  }
  if (opts.fps !== undefined && !(Number.isInteger(opts.fps) && opts.fps >= 1)) {
    throw new InputError(
      `--fps ${opts.fps}: the frame rate must be a whole number of frames per second, 1 or more (Chromium's fake camera reads the Y4M rate as an integer: 29.97 would play at 29 fps)`,
      `--fps ${Math.max(1, Math.round(Number.isFinite(opts.fps) ? opts.fps : 30))}`,
    );
  }
  if (opts.durationS !== undefined && !(Number.isFinite(opts.durationS) && opts.durationS > 0)) {
    throw new InputError(
      `--duration ${opts.durationS}: the duration must be a number of seconds above 0`,
      '--duration 10',
    );
  }
}

export interface PrepareSettings {
  width: number;
  height: number;
  fps: number;
  /** Frames to write; undefined = the whole clip. */
  frames?: number;
  /** Seconds actually used (after the clip-length check), for messages. */
  durationS?: number;
  /** Tail frames wanted after the used part (tailS x fps); how they are made is decided with the clip's length. */
  tailFrames: number;
  warnings: string[];
}

/** Capture size, rate and length for a clip: the clip's own, capped at 1280x720 and 30 fps, unless overridden. */
export function prepareSettings(
  clip: ClipInfo,
  opts: Pick<PrepareOptions, 'size' | 'fps' | 'durationS' | 'tailS'>,
): PrepareSettings {
  const warnings: string[] = [];
  let width: number;
  let height: number;
  if (opts.size) {
    ({ width, height } = opts.size);
  } else {
    const scale = Math.min(1, MAX_DEFAULT_WIDTH / clip.width, MAX_DEFAULT_HEIGHT / clip.height);
    width = even(clip.width * scale);
    height = even(clip.height * scale);
    // Rounding to even can step just over the cap (e.g. 1281 wide): stay inside it.
    if (width > MAX_DEFAULT_WIDTH) width = MAX_DEFAULT_WIDTH;
    if (height > MAX_DEFAULT_HEIGHT) height = MAX_DEFAULT_HEIGHT;
  }
  // Whole numbers only (see the top of this file): 29.97 fps clips are sampled at 30.
  const fps = opts.fps ?? Math.max(1, Math.min(Math.round(clip.fps), MAX_DEFAULT_FPS));
  let durationS = opts.durationS;
  if (durationS !== undefined && clip.durationS !== undefined && durationS > clip.durationS + 1e-6) {
    warnings.push(`--duration ${durationS} s is longer than ${clip.path} (${clip.durationS} s): using the whole clip`);
    durationS = undefined;
  }
  if (
    durationS === undefined &&
    opts.durationS === undefined &&
    clip.durationS !== undefined &&
    clip.durationS > MAX_DEFAULT_DURATION_S
  ) {
    warnings.push(
      `${clip.path} lasts ${clip.durationS} s: using its first ${MAX_DEFAULT_DURATION_S} s (choose with --duration)`,
    );
    durationS = MAX_DEFAULT_DURATION_S;
  }
  const frames = durationS === undefined ? undefined : Math.max(1, Math.round(durationS * fps));
  const tailFrames = Math.max(0, Math.round((opts.tailS ?? 0) * fps));
  return { width, height, fps, frames, durationS: durationS ?? clip.durationS, tailFrames, warnings };
}

/** How the camera tail is made, once the number of used frames is known. */
export function planTail(clip: ClipInfo, s: PrepareSettings, usedFrames: number): CameraTail | undefined {
  if (s.tailFrames === 0) return undefined;
  // The clip's own next frames, when it surely has them (one frame of slack for rounding).
  const clipFrames = clip.durationS === undefined ? 0 : Math.floor(clip.durationS * s.fps) - 1;
  if (clipFrames >= usedFrames + s.tailFrames) return { kind: 'continuation', frames: s.tailFrames };
  const mirrored = Math.min(s.tailFrames, usedFrames - 1);
  return mirrored > 0 ? { kind: 'mirror', frames: mirrored } : undefined;
}

/**
 * The ffmpeg arguments that write the reference Y4M for these settings. `usedFrames` is the number of
 * the clip's frames used (needed for a tail; undefined = s.frames, or the whole clip without a tail).
 */
export function prepareArgs(
  clip: ClipInfo,
  s: PrepareSettings,
  target: string,
  tail?: CameraTail,
  usedFrames = s.frames,
): string[] {
  // fps filter: a constant-rate stream (variable-rate clips, 60 fps phones) sampled at the capture rate.
  // scale: the capture size (bicubic, ffmpeg's default). format: plain yuv420p, what the fake camera reads.
  const chain = [`fps=fps=${s.fps}`];
  if (s.width !== clip.width || s.height !== clip.height) chain.push(`scale=${s.width}:${s.height}`);
  chain.push('setsar=1', 'format=yuv420p');
  let graph = `[0:v:0]${chain.join(',')}[v]`;
  let frames = s.frames;
  if (tail?.kind === 'continuation') frames = usedFrames! + tail.frames;
  if (tail?.kind === 'mirror') {
    // Frames N-2 down to N-1-T after frame N-1: trim keeps [N-1-T, N-1), reverse plays them backwards.
    const n = usedFrames!;
    graph =
      `[0:v:0]${chain.join(',')},trim=end_frame=${n},split[a][b];` +
      `[b]trim=start_frame=${n - 1 - tail.frames}:end_frame=${n - 1},setpts=PTS-STARTPTS,reverse[r];` +
      `[a][r]concat=n=2:v=1:a=0[v]`;
    frames = undefined;
  }
  return (
    new FfmpegCommand()
      .overwrite()
      .input(clip.path)
      .filterComplex(graph)
      // No -c:v: the Y4M muxer picks its own (ffmpeg 4.1 accepts only wrapped_avframe, not rawvideo).
      .output(target, { map: '[v]', pixFmt: 'yuv420p', frames, format: 'yuv4mpegpipe' })
      .args()
  );
}

function cacheName(clip: ClipInfo, s: PrepareSettings, key: string): string {
  const base =
    path
      .basename(clip.path)
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .slice(0, 60) || 'clip';
  return `${base}.${s.width}x${s.height}.${s.fps}fps.${key.slice(0, 16)}.y4m`;
}

/** What the cache keeps beside a prepared Y4M: how it was made (the tail needs the used frame count). */
interface PreparedMeta {
  usedFrames: number;
  tail?: CameraTail;
  preparedWith: string[];
}

/** Runs one conversion into `tmp` and returns its frame count. */
async function convert(
  ffmpeg: FfmpegInfo,
  clipPath: string,
  args: string[],
  tmp: string,
  signal?: AbortSignal,
): Promise<number> {
  const result = await runProcess(ffmpeg.path, args, { timeoutMs: 30 * 60_000, signal });
  if (signal?.aborted) throw interruptedBy(signal, `preparing ${clipPath}`);
  if (result.code !== 0) {
    if (/No space left|Permission denied|Read-only file system/i.test(result.stderr)) {
      throw new OutputError(
        `cannot write ${tmp}: ${tail(result.stderr, 2)}`,
        'free disk space, or set SIMQ_CACHE_DIR to another folder',
      );
    }
    throw new InputError(
      `ffmpeg could not convert ${clipPath} to a 4:2:0 Y4M: ${tail(result.stderr)}`,
      'check the clip plays: ffmpeg -i CLIP -f null -',
    );
  }
  const check = Y4mFile.open(tmp);
  const frames = check.frameCount;
  check.close();
  if (frames === 0)
    throw new InputError(
      `${clipPath}: ffmpeg decoded no frames from its video stream`,
      'check the clip plays: ffmpeg -i CLIP -f null -',
    );
  return frames;
}

/** Writes the Y4M (clip part, then tail) to `target` and returns how it was made. */
async function writePrepared(
  clip: ClipInfo,
  settings: PrepareSettings,
  target: string,
  opts: PrepareOptions,
): Promise<PreparedMeta> {
  const tmp = tempPathFor(target);
  try {
    let args = prepareArgs(clip, settings, target);
    let usedFrames = settings.frames;
    let cameraTail = usedFrames === undefined ? undefined : planTail(clip, settings, usedFrames);
    // Without a tail this is the conversion. Before a mirror tail it counts the frames exactly: the
    // mirror starts from the last one, and a clip can hold a frame less than its stated length.
    if (usedFrames === undefined || cameraTail?.kind !== 'continuation') {
      usedFrames = await convert(opts.ffmpeg, clip.path, prepareArgs(clip, settings, tmp), tmp, opts.signal);
      cameraTail = planTail(clip, settings, usedFrames);
    }
    if (cameraTail) {
      args = prepareArgs(clip, settings, target, cameraTail, usedFrames);
      const written = await convert(
        opts.ffmpeg,
        clip.path,
        prepareArgs(clip, settings, tmp, cameraTail, usedFrames),
        tmp,
        opts.signal,
      );
      // A clip a frame shorter than its stated length ends the continuation early: record what is there.
      cameraTail.frames = Math.min(cameraTail.frames, written - usedFrames);
    }
    renameSync(tmp, target);
    return { usedFrames, ...(cameraTail && cameraTail.frames > 0 ? { tail: cameraTail } : {}), preparedWith: args };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The reference Y4M for a clip, converted once and then reused from the cache. */
export async function prepareClip(clipPath: string, opts: PrepareOptions): Promise<ReferenceClip> {
  validatePrepareOptions(opts);
  if (existsSync(clipPath)) requireRegularFile(clipPath);
  const clip = await probeClip(clipPath, opts.ffmpeg);
  const settings = prepareSettings(clip, opts);
  for (const w of settings.warnings) opts.progress?.warn(w);
  const sourceSha256 = await sha256File(clip.path, opts.signal);
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        v: PREPARE_VERSION,
        sourceSha256,
        width: settings.width,
        height: settings.height,
        fps: settings.fps,
        frames: settings.frames ?? null,
        tail: settings.tailFrames,
        ffmpeg: opts.ffmpeg.version,
      }),
    )
    .digest('hex');
  const dir = opts.cacheDir ?? clipCacheDir();
  const target = path.join(dir, cacheName(clip, settings, key));
  const metaFile = `${target}.json`;
  const label = `${settings.width}x${settings.height} at ${settings.fps} fps`;
  let meta = existsSync(target) && existsSync(metaFile) ? readMeta(metaFile) : undefined;
  if (!meta) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new OutputError(
        `cannot create the clip cache ${dir}: ${(e as Error).message}`,
        'set SIMQ_CACHE_DIR to a folder you can write to',
      );
    }
    opts.progress?.info(`preparing ${clip.path} -> ${label} Y4M (${target})`);
    meta = await writePrepared(clip, settings, target, opts);
    writeJsonAtomic(metaFile, meta);
  } else {
    opts.progress?.info(`using the prepared ${label} Y4M of ${clip.path} (${target})`);
  }
  const y4m = Y4mFile.open(target);
  try {
    if (y4m.width !== settings.width || y4m.height !== settings.height) {
      throw new SimqError(
        `${target} is ${y4m.width}x${y4m.height}, expected ${settings.width}x${settings.height}; delete it to rebuild it`,
      );
    }
    return {
      source: clip.path,
      sourceSha256,
      y4m: target,
      width: y4m.width,
      height: y4m.height,
      fps: y4m.fps,
      frames: y4m.frameCount,
      ...(meta.tail ? { tail: meta.tail } : {}),
      preparedWith: meta.preparedWith,
    };
  } finally {
    y4m.close();
  }
}

/** The cache's record of a prepared Y4M, or undefined when it is unreadable (the Y4M is then rebuilt). */
function readMeta(file: string): PreparedMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as PreparedMeta;
    return Number.isInteger(m.usedFrames) && Array.isArray(m.preparedWith) ? m : undefined;
  } catch {
    return undefined;
  }
}
