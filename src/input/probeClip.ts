// What ffmpeg says about a clip, from the ffmpeg binary alone (@ffmpeg-installer ships no
// ffprobe): `ffmpeg -i clip` with no output prints the input's stream listing on stderr, then
// exits with "At least one output file must be specified". That listing is parsed here.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import { FfmpegCommand } from '../tools/FfmpegArgs.js';
import { runProcess } from '../tools/process.js';
import { Y4mFile } from './Y4mFile.js';
import { shellCommand } from '../io/shellQuote.js';

export interface Rational {
  num: number;
  den: number;
}

export interface ClipInfo {
  /** Absolute path. */
  path: string;
  bytes: number;
  /** ffmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "yuv4mpegpipe". */
  container: string;
  /** Video codec, e.g. "h264", "vp8", "rawvideo". */
  codec: string;
  pixFmt?: string;
  /** Displayed size (after the rotation a phone clip asks for, as ffmpeg applies it when decoding). */
  width: number;
  height: number;
  /** Frames per second as ffmpeg prints it (two decimals), and as a rational (NTSC rates as n*1000/1001). */
  fps: number;
  fpsRational: Rational;
  /** Seconds; undefined when the container does not say (e.g. a raw .h264 stream). */
  durationS?: number;
  /** Exact frame count when known without decoding (Y4M, Matroska NUMBER_OF_FRAMES tag). */
  frames?: number;
  /** Degrees the player should rotate the picture (phone clips), 0 if none. */
  rotation: number;
}

const FIX_FORMATS = 'give a video file ffmpeg reads (mp4, webm, mkv, y4m), or make one: simq samples';

/** Fails with a clear InputError unless `clipPath` is a readable regular file. */
export function assertReadableFile(clipPath: string): { abs: string; bytes: number } {
  const abs = path.resolve(clipPath);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new InputError(
        `clip ${abs}: no such file`,
        `check the path, or run without a clip to use the default sample (simq samples makes them)`,
      );
    throw new InputError(`clip ${abs} cannot be read: ${(e as Error).message}`, `ls -l ${abs}`);
  }
  if (st.isDirectory()) throw new InputError(`clip ${abs} is a directory, not a video file`, FIX_FORMATS);
  if (!st.isFile()) throw new InputError(`clip ${abs} is not a regular file`, FIX_FORMATS);
  try {
    accessSync(abs, constants.R_OK);
  } catch {
    throw new InputError(`clip ${abs} cannot be read (permission denied)`, shellCommand(['chmod', 'a+r', abs]));
  }
  if (st.size === 0) throw new InputError(`clip ${abs} is empty (0 bytes)`, FIX_FORMATS);
  return { abs, bytes: st.size };
}

/** Splits "a (x, y), b, c [d]" at commas outside parentheses and brackets. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

function rateValue(m: RegExpExecArray | null): number | undefined {
  if (!m) return undefined;
  const v = Number(m[1]) * (m[2] === 'k' ? 1000 : 1);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** ffmpeg prints rates with two decimals: 29.97 stands for 30000/1001, 23.98 for 24000/1001. */
export function fpsToRational(fps: number): Rational {
  if (Number.isInteger(fps)) return { num: fps, den: 1 };
  const ntsc = Math.round((fps * 1001) / 1000);
  if (Math.abs((ntsc * 1000) / 1001 - fps) < 0.006) return { num: ntsc * 1000, den: 1001 };
  const num = Math.round(fps * 1000);
  const g = gcd(num, 1000);
  return { num: num / g, den: 1000 / g };
}

export interface ParsedListing {
  container?: string;
  durationS?: number;
  /** The first video stream that is not cover art. */
  video?: {
    codec: string;
    pixFmt?: string;
    width?: number;
    height?: number;
    fps?: number;
    frames?: number;
    rotation: number;
  };
  /** Other streams, as "Audio: aac (LC)" etc., for messages. */
  otherStreams: string[];
}

/** Parses the "Input #0 ..." listing ffmpeg prints on stderr. */
export function parseInputListing(stderr: string): ParsedListing {
  const lines = stderr.split(/\r?\n/);
  const out: ParsedListing = { otherStreams: [] };
  const input = /^Input #0, (.+?), from '/m.exec(stderr);
  if (input) out.container = input[1];
  const dur = /^\s*Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/m.exec(stderr);
  if (dur) out.durationS = Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]);
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)Stream #0:\d+\S*: (\w+): (.*)$/.exec(lines[i]);
    if (!m) continue;
    const [, indent, kind, desc] = m;
    if (kind !== 'Video' || out.video || /\(attached pic\)/.test(desc)) {
      out.otherStreams.push(`${kind}: ${topLevelParts(desc)[0] ?? desc}`);
      continue;
    }
    const parts = topLevelParts(desc);
    const codec = /^([\w.-]+)/.exec(parts[0] ?? '')?.[1] ?? 'unknown';
    const pixFmt =
      parts[1] && /^[a-z0-9_]+/.test(parts[1]) && !/^\d+x\d+/.test(parts[1])
        ? /^[a-z0-9_]+/.exec(parts[1])![0]
        : undefined;
    let width: number | undefined;
    let height: number | undefined;
    for (const p of parts) {
      const s = /^(\d+)x(\d+)(?:\s|$)/.exec(p);
      if (s) {
        width = Number(s[1]);
        height = Number(s[2]);
        break;
      }
    }
    const fps =
      rateValue(/(?:^|,\s*)([\d.]+)(k?) fps(?:,|$)/.exec(parts.join(','))) ??
      rateValue(/(?:^|,\s*)([\d.]+)(k?) tbr(?:,|$)/.exec(parts.join(',')));
    // The stream's own blocks follow it: "Metadata:" / "Side data:" at the Stream line's indent,
    // their entries deeper.
    let frames: number | undefined;
    let rotation = 0;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j];
      const lead = /^(\s*)/.exec(line)![1].length;
      const blockTitle = lead === indent.length && /^\s*(Metadata|Side data):\s*$/.test(line);
      if ((lead <= indent.length && !blockTitle) || /^\s*Stream #/.test(line)) break;
      const nf = /^\s*NUMBER_OF_FRAMES(?:-\w+)?\s*:\s*(\d+)\s*$/.exec(line);
      if (nf) frames = Number(nf[1]);
      const rot =
        /^\s*rotate\s*:\s*(-?\d+)\s*$/.exec(line) ?? /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(line);
      if (rot) rotation = ((Math.round(Number(rot[1])) % 360) + 360) % 360;
    }
    out.video = { codec, pixFmt, width, height, fps, frames, rotation };
  }
  return out;
}

/** Properties of a clip's first video stream. Throws InputError (exit 2) for anything simq cannot use. */
export async function probeClip(clipPath: string, ffmpeg: Pick<FfmpegInfo, 'path'>): Promise<ClipInfo> {
  const { abs, bytes } = assertReadableFile(clipPath);
  const args = new FfmpegCommand().input(abs).args();
  // The stream listing is printed at the "info" log level, which the shared builder turns down.
  args[args.indexOf('-loglevel') + 1] = 'info';
  const result = await runProcess(ffmpeg.path, args, { timeoutMs: 60_000 });
  const stderr = result.stderr;
  const listing = parseInputListing(stderr);
  if (!listing.container) {
    const last = stderr.trim().split('\n').pop() ?? '';
    const reason = last.includes(abs) ? last.slice(last.indexOf(abs) + abs.length).replace(/^:\s*/, '') : last;
    throw new InputError(
      `clip ${abs} is not a media file ffmpeg can read (${reason || 'no input found'})`,
      FIX_FORMATS,
    );
  }
  if (listing.container === 'tty') {
    // ffmpeg's tty demuxer shows any .txt/.nfo/.asc file as ANSI art "video".
    throw new InputError(
      `clip ${abs} is a text file (ffmpeg would only render it as ANSI art), not a video`,
      FIX_FORMATS,
    );
  }
  const v = listing.video;
  if (!v) {
    const others = listing.otherStreams.length ? `: it has ${listing.otherStreams.join('; ')}` : '';
    throw new InputError(`clip ${abs} has no video stream${others}`, FIX_FORMATS);
  }
  if (listing.container === 'image2' || listing.container.endsWith('_pipe')) {
    throw new InputError(
      `clip ${abs} is a still image (${v.codec}), not a video: the fake camera needs moving frames`,
      FIX_FORMATS,
    );
  }
  if (!v.width || !v.height)
    throw new InputError(`clip ${abs}: ffmpeg reports no frame size for its video stream (${v.codec})`, FIX_FORMATS);
  if (!v.fps)
    throw new InputError(
      `clip ${abs}: ffmpeg reports no frame rate for its video stream (${v.codec})`,
      `pass the rate to use with --fps`,
    );
  const quarter = v.rotation === 90 || v.rotation === 270;
  let frames = v.frames;
  if (listing.container === 'yuv4mpegpipe') {
    const y4m = Y4mFile.open(abs);
    frames = y4m.frameCount;
    y4m.close();
  }
  return {
    path: abs,
    bytes,
    container: listing.container,
    codec: v.codec,
    pixFmt: v.pixFmt,
    width: quarter ? v.height : v.width,
    height: quarter ? v.width : v.height,
    fps: v.fps,
    fpsRational: fpsToRational(v.fps),
    durationS: listing.durationS,
    frames,
    rotation: v.rotation,
  };
}
