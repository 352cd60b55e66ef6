// The one place ffmpeg argument arrays are built (instead of fluent-ffmpeg, archived upstream).
// Every ffmpeg invocation in simq goes through FfmpegCommand so flags stay consistent:
// quiet banner, no stdin interaction, errors on stderr.

export type PixelFormat = 'yuv420p' | 'gray' | 'rgb24';

export interface RawVideoSpec {
  width: number;
  height: number;
  pixFmt: PixelFormat;
  /** Frame rate of the raw stream; both sides of a comparison must use the same one. */
  fps: number;
}

export interface InputOptions {
  /** Forced demuxer, e.g. 'rawvideo', 'h264', 'ivf', 'yuv4mpegpipe', 'lavfi'. */
  format?: string;
  /** Forced decoder, e.g. 'libvpx-vp9' (-c:v before -i); absent: ffmpeg's first for the codec. */
  decoder?: string;
  raw?: RawVideoSpec;
  /** Read at most this many seconds. */
  durationS?: number;
  /** Start reading at this many seconds (input seeking). */
  seekS?: number;
  /** Frame rate for demuxers that take one (lavfi sources carry their own). */
  framerate?: number;
}

export interface OutputOptions {
  format?: string;
  pixFmt?: PixelFormat;
  /** Video codec, e.g. 'rawvideo', 'libvpx', 'libx264', 'ffv1'. */
  codec?: string;
  /** Extra codec options as ordered pairs, e.g. [['-crf','18']]. */
  codecArgs?: [string, string][];
  size?: { width: number; height: number };
  fps?: number;
  frames?: number;
  durationS?: number;
  /** Which filter graph output or input stream to map. */
  map?: string;
  /** Pass frames through without duplicating or dropping to match a rate (never pair by timestamps). */
  passthrough?: boolean;
  scaler?: string;
}

export class FfmpegCommand {
  private readonly parts: string[] = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  private filter: string | undefined;

  overwrite(): this {
    this.parts.push('-y');
    return this;
  }

  input(target: string, opts: InputOptions = {}): this {
    if (opts.raw) {
      this.parts.push(
        '-f',
        'rawvideo',
        '-pix_fmt',
        opts.raw.pixFmt,
        '-s',
        `${opts.raw.width}x${opts.raw.height}`,
        '-framerate',
        String(opts.raw.fps),
      );
    } else if (opts.format) {
      this.parts.push('-f', opts.format);
    }
    if (opts.framerate !== undefined && !opts.raw) this.parts.push('-framerate', String(opts.framerate));
    if (opts.decoder) this.parts.push('-c:v', opts.decoder);
    if (opts.seekS !== undefined) this.parts.push('-ss', String(opts.seekS));
    if (opts.durationS !== undefined) this.parts.push('-t', String(opts.durationS));
    this.parts.push('-i', target);
    return this;
  }

  filterComplex(graph: string): this {
    this.filter = graph;
    return this;
  }

  output(target: string, opts: OutputOptions = {}): this {
    if (this.filter !== undefined) {
      this.parts.push('-filter_complex', this.filter);
      this.filter = undefined;
    }
    if (opts.map) this.parts.push('-map', opts.map);
    if (opts.passthrough) this.parts.push('-vsync', 'passthrough');
    if (opts.scaler) this.parts.push('-sws_flags', opts.scaler);
    if (opts.size) this.parts.push('-s', `${opts.size.width}x${opts.size.height}`);
    if (opts.fps !== undefined) this.parts.push('-r', String(opts.fps));
    if (opts.codec) this.parts.push('-c:v', opts.codec);
    for (const [k, v] of opts.codecArgs ?? []) this.parts.push(k, v);
    if (opts.pixFmt) this.parts.push('-pix_fmt', opts.pixFmt);
    if (opts.frames !== undefined) this.parts.push('-frames:v', String(opts.frames));
    if (opts.durationS !== undefined) this.parts.push('-t', String(opts.durationS));
    this.parts.push('-an');
    if (opts.format) this.parts.push('-f', opts.format);
    this.parts.push(target);
    return this;
  }

  args(): string[] {
    return [...this.parts];
  }
}

/** Frame size in bytes of a raw frame. */
export function rawFrameBytes(width: number, height: number, pixFmt: PixelFormat): number {
  switch (pixFmt) {
    case 'yuv420p':
      return width * height + 2 * (Math.ceil(width / 2) * Math.ceil(height / 2));
    case 'gray':
      return width * height;
    case 'rgb24':
      return width * height * 3;
  }
}

/** Escapes a value for use inside an ffmpeg filter option (e.g. a path in log_path=...). */
export function filterValue(value: string): string {
  // Inside a filter graph, ':' separates options, and '\\' and '\'' are special at two levels.
  return value
    .replace(/\\/g, '\\\\\\\\')
    .replace(/'/g, "\\\\\\'")
    .replace(/:/g, '\\\\:')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\[/g, '\\[')
    .replace(/]/g, '\\]');
}
