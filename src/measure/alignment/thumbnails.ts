// Small grayscale thumbnails of every frame of a layer bitstream or of the reference Y4M, for
// matching captured frames to source frames by content. ffmpeg decodes each file on its own to raw
// gray frames through a pipe, in decode order (-vsync passthrough): frames are paired by position
// later, never by container timestamps (feeding both sides into one filter graph mis-paired about one
// frame in five in a hand test: the IVF pts are RTP timestamps, not the source's frame clock).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { FfmpegCommand } from '../../tools/FfmpegArgs.js';
import type { ReferenceCacheStatus, ThumbnailSize, Thumbnails } from './AlignmentTypes.js';
import { pipeRawFrames } from './rawFramePipe.js';
import { Y4mFile } from '../../input/Y4mFile.js';

export const DEFAULT_THUMBNAIL_WIDTH = 64;

/** Thumbnail size keeping the reference's aspect ratio: 1280x720 -> 64x36, 640x480 -> 64x48. */
export function thumbnailSizeFor(width: number, height: number, thumbWidth = DEFAULT_THUMBNAIL_WIDTH): ThumbnailSize {
  return { width: thumbWidth, height: Math.max(2, Math.round((thumbWidth * height) / width)) };
}

/** The demuxer for a capture or reference file, by extension (raw H.264 has no container to probe). */
export function demuxerFor(file: string): string | undefined {
  switch (path.extname(file).toLowerCase()) {
    case '.ivf':
      return 'ivf';
    case '.h264':
    case '.264':
      return 'h264';
    case '.y4m':
      return 'yuv4mpegpipe';
    default:
      return undefined;
  }
}

export interface DecodeThumbnailsOptions {
  timeoutMs?: number;
  /** Forced decoder (an SVC point of VP9: libvpx-vp9, see src/measure/svcDecoder.ts). */
  decoder?: string;
  /** Frames expected (the store is sized for them; more still fit). */
  frames?: number;
}

/**
 * Decodes every frame of `file` to a `size` gray thumbnail (area scaler), in decode order, and hands
 * each to onFrame (valid only during the call). Resolves with the number of frames.
 */
export async function streamThumbnails(
  ffmpegPath: string,
  file: string,
  size: ThumbnailSize,
  onFrame: (frame: Uint8Array, index: number) => void,
  options: DecodeThumbnailsOptions = {},
): Promise<number> {
  const args = new FfmpegCommand()
    .input(file, { format: demuxerFor(file), decoder: options.decoder })
    // The area scaler averages every source pixel into the thumbnail: a downscaled layer and the
    // full-size reference land on nearly the same thumbnail, and coding noise averages out.
    .filterComplex(`[0:v]scale=${size.width}:${size.height}:flags=area,format=gray[thumb]`)
    .output('-', { map: '[thumb]', passthrough: true, codec: 'rawvideo', format: 'rawvideo' })
    .args();
  const fix = `${ffmpegPath} -i ${file} -f null -`;
  const count = await pipeRawFrames(ffmpegPath, args, size.width * size.height, onFrame, {
    describe: file,
    timeoutMs: options.timeoutMs ?? 600_000,
    fix,
  });
  if (count === 0) throw new InputError(`${file}: ffmpeg decoded no frames`, fix);
  return count;
}

/** Decodes every frame of `file` to a `size` gray thumbnail (area scaler), in decode order. */
export async function decodeThumbnails(
  ffmpegPath: string,
  file: string,
  size: ThumbnailSize,
  options: DecodeThumbnailsOptions = {},
): Promise<Thumbnails> {
  const frameBytes = size.width * size.height;
  // Frames go straight into one store, grown when more come than expected.
  let data = new Uint8Array(frameBytes * Math.max(1, options.frames ?? 64));
  const count = await streamThumbnails(
    ffmpegPath,
    file,
    size,
    (frame, i) => {
      if ((i + 1) * frameBytes > data.length) {
        const grown = new Uint8Array(data.length * 2);
        grown.set(data);
        data = grown;
      }
      data.set(frame, i * frameBytes);
    },
    options,
  );
  // A store grown far past the frames is not kept alive for them.
  const used = count * frameBytes;
  return {
    width: size.width,
    height: size.height,
    count,
    data: data.length > used * 1.25 ? data.slice(0, used) : data.subarray(0, used),
  };
}

// Cache file: magic, width, height, count, reserved (u32 LE), source size and mtime (f64 LE), data.
const CACHE_MAGIC = 'SIMQTHM1';
const CACHE_HEADER_BYTES = 40;

export function referenceCachePath(y4m: string, size: ThumbnailSize): string {
  return `${y4m}.thumbs-${size.width}x${size.height}.bin`;
}

function readCache(
  file: string,
  size: ThumbnailSize,
  source: { size: number; mtimeMs: number },
): Thumbnails | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < CACHE_HEADER_BYTES || buf.toString('latin1', 0, 8) !== CACHE_MAGIC) return undefined;
  const width = buf.readUInt32LE(8);
  const height = buf.readUInt32LE(12);
  const count = buf.readUInt32LE(16);
  const srcSize = buf.readDoubleLE(24);
  const srcMtime = buf.readDoubleLE(32);
  // A reference rewritten in place (same name, new content) must not reuse stale thumbnails.
  if (width !== size.width || height !== size.height || srcSize !== source.size || srcMtime !== source.mtimeMs)
    return undefined;
  if (count === 0 || buf.length !== CACHE_HEADER_BYTES + count * width * height) return undefined;
  return {
    width,
    height,
    count,
    data: new Uint8Array(buf.buffer, buf.byteOffset + CACHE_HEADER_BYTES, count * width * height),
  };
}

function encodeCache(thumbs: Thumbnails, source: { size: number; mtimeMs: number }): Buffer {
  const buf = Buffer.alloc(CACHE_HEADER_BYTES + thumbs.data.length);
  buf.write(CACHE_MAGIC, 0, 'latin1');
  buf.writeUInt32LE(thumbs.width, 8);
  buf.writeUInt32LE(thumbs.height, 12);
  buf.writeUInt32LE(thumbs.count, 16);
  buf.writeDoubleLE(source.size, 24);
  buf.writeDoubleLE(source.mtimeMs, 32);
  buf.set(thumbs.data, CACHE_HEADER_BYTES);
  return buf;
}

// Layers aligned in parallel ask for the same reference at once: one decode serves them all.
const inProcess = new Map<string, Promise<{ thumbnails: Thumbnails; cache: ReferenceCacheStatus }>>();

/** Forgets the thumbnails shared within this process (the files next to the references stay). */
export function forgetReferenceThumbnails(): void {
  inProcess.clear();
}

/**
 * Thumbnails of the reference Y4M. Every layer of every scenario aligns against the same reference,
 * so they are cached next to it (written atomically; a read-only folder just means no cache) and
 * shared within the process.
 */
export function referenceThumbnails(
  ffmpegPath: string,
  y4m: string,
  size: ThumbnailSize,
  options: { cache?: boolean; timeoutMs?: number } = {},
): Promise<{ thumbnails: Thumbnails; cache: ReferenceCacheStatus }> {
  let stat;
  try {
    stat = statSync(y4m);
  } catch (e) {
    return Promise.reject(new InputError(`reference ${y4m} cannot be read: ${(e as Error).message}`));
  }
  const key = JSON.stringify([
    path.resolve(y4m),
    size.width,
    size.height,
    stat.size,
    stat.mtimeMs,
    options.cache ?? true,
  ]);
  let pending = inProcess.get(key);
  if (!pending) {
    pending = loadReferenceThumbnails(ffmpegPath, y4m, size, { size: stat.size, mtimeMs: stat.mtimeMs }, options);
    inProcess.set(key, pending);
    pending.catch(() => inProcess.delete(key));
    return pending;
  }
  return pending.then((r) => ({ thumbnails: r.thumbnails, cache: r.cache === 'off' ? 'off' : 'hit' }));
}

async function loadReferenceThumbnails(
  ffmpegPath: string,
  y4m: string,
  size: ThumbnailSize,
  source: { size: number; mtimeMs: number },
  options: { cache?: boolean; timeoutMs?: number },
): Promise<{ thumbnails: Thumbnails; cache: ReferenceCacheStatus }> {
  const useCache = options.cache ?? true;
  const cacheFile = referenceCachePath(y4m, size);
  if (useCache) {
    const hit = readCache(cacheFile, size, source);
    if (hit) return { thumbnails: hit, cache: 'hit' };
  }
  // Sized from the Y4M's frame count: no store grown (and faulted in) twice over.
  const y4mFile = Y4mFile.open(y4m);
  const frames = y4mFile.frameCount;
  y4mFile.close();
  const thumbnails = await decodeThumbnails(ffmpegPath, y4m, size, { timeoutMs: options.timeoutMs, frames });
  if (!useCache) return { thumbnails, cache: 'off' };
  try {
    writeFileAtomic(cacheFile, encodeCache(thumbnails, source));
    return { thumbnails, cache: 'written' };
  } catch {
    return { thumbnails, cache: 'unwritable' };
  }
}
