// Random access to the frames of a YUV4MPEG2 (Y4M) file: the prepared reference clip that the fake
// camera plays and the measure stage compares against. Synchronous positioned reads, so fetching
// the exact reference frame for each captured frame costs one read.
//
// Format (https://wiki.multimedia.cx/index.php/YUV4MPEG2): one header line
//   YUV4MPEG2 W<width> H<height> F<num>:<den> [I<interlace>] [A<aspect>] [C<colour space>] [X<comment>]...
// then per frame "FRAME" + optional " <params>" + "\n" and the planes (Y, then U, V for 4:2:0).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { shellCommand } from '../io/shellQuote.js';

/** 8-bit 4:2:0 colour spaces; they differ only in chroma siting, the byte layout is yuv420p. */
const YUV420 = new Set(['420', '420jpeg', '420mpeg2', '420paldv']);
const MAX_HEADER = 4096;

export interface Y4mHeader {
  width: number;
  height: number;
  fpsNum: number;
  fpsDen: number;
  /** The C tag ('420jpeg' when absent, as the format specifies). */
  colorSpace: string;
  interlace: string;
  /** Length of the header line including its '\n'. */
  headerBytes: number;
}

export function parseY4mHeader(line: string, file: string): Omit<Y4mHeader, 'headerBytes'> {
  const tokens = line.trim().split(/\s+/);
  if (tokens[0] !== 'YUV4MPEG2') throw new InputError(`${file} is not a Y4M file (it does not start with "YUV4MPEG2")`);
  let width = NaN;
  let height = NaN;
  let fpsNum = NaN;
  let fpsDen = NaN;
  let colorSpace = '420jpeg';
  let interlace = 'p';
  for (const t of tokens.slice(1)) {
    const v = t.slice(1);
    switch (t[0]) {
      case 'W':
        width = Number(v);
        break;
      case 'H':
        height = Number(v);
        break;
      case 'F': {
        const [n, d] = v.split(':').map(Number);
        fpsNum = n;
        fpsDen = d;
        break;
      }
      case 'C':
        colorSpace = v;
        break;
      case 'I':
        interlace = v;
        break;
      default:
        // A (aspect), X (comments, e.g. XYSCSS=420JPEG): not needed to read frames.
        break;
    }
  }
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new InputError(`${file}: Y4M header "${line.trim()}" has no valid W/H (frame size)`);
  }
  if (!(fpsNum > 0 && fpsDen > 0))
    throw new InputError(`${file}: Y4M header "${line.trim()}" has no valid F<num>:<den> (frame rate)`);
  if (!YUV420.has(colorSpace)) {
    throw new InputError(
      `${file}: Y4M colour space C${colorSpace} is not 8-bit 4:2:0 (C420jpeg, C420mpeg2, C420paldv or C420)`,
      shellCommand(['ffmpeg', '-i', file, '-pix_fmt', 'yuv420p', 'out.y4m']),
    );
  }
  return { width, height, fpsNum, fpsDen, colorSpace, interlace };
}

export class Y4mFile {
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  readonly colorSpace: string;
  /** Bytes of one frame's planes (yuv420p). */
  readonly frameBytes: number;
  readonly frameCount: number;
  private readonly offsets: number[] | undefined;
  private readonly firstData: number;
  private readonly stride: number;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
    const size = fstatSync(fd).size;
    const head = this.read(0, Math.min(MAX_HEADER, size));
    const nl = head.indexOf(0x0a);
    if (nl < 0) throw new InputError(`${path} is not a Y4M file (no header line in its first ${MAX_HEADER} bytes)`);
    const header = parseY4mHeader(head.subarray(0, nl).toString('latin1'), path);
    this.width = header.width;
    this.height = header.height;
    this.fpsNum = header.fpsNum;
    this.fpsDen = header.fpsDen;
    this.colorSpace = header.colorSpace;
    const cw = Math.ceil(this.width / 2);
    const ch = Math.ceil(this.height / 2);
    this.frameBytes = this.width * this.height + 2 * cw * ch;
    const headerBytes = nl + 1;
    const plain = Buffer.from('FRAME\n', 'latin1');
    this.stride = plain.length + this.frameBytes;
    this.firstData = headerBytes + plain.length;
    const body = size - headerBytes;
    const count = Math.floor(body / this.stride);
    // Fast path: every frame header is the plain "FRAME\n" (what ffmpeg writes). Checked on the first
    // and the last frame; anything else (per-frame parameters) falls back to scanning every header.
    const plainAt = (frame: number) => this.read(headerBytes + frame * this.stride, plain.length).equals(plain);
    if (count === 0 || (plainAt(0) && plainAt(count - 1))) {
      this.offsets = undefined;
      this.frameCount = count;
    } else {
      this.offsets = this.scan(headerBytes, size);
      this.frameCount = this.offsets.length;
    }
  }

  static open(path: string): Y4mFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new InputError(`cannot open Y4M file ${path}: ${(e as Error).message}`);
    }
    try {
      return new Y4mFile(path, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get fps(): number {
    return this.fpsNum / this.fpsDen;
  }

  /** Offset of the first byte of frame `index`'s planes. */
  dataOffset(index: number): number {
    return this.offsets ? this.offsets[index] : this.firstData + index * this.stride;
  }

  /** The planes of frame `index` (Y, U, V of yuv420p), read into `into` when given (at least frameBytes long). */
  readFrame(index: number, into?: Buffer): Buffer {
    if (!Number.isInteger(index) || index < 0 || index >= this.frameCount) {
      throw new RangeError(`${this.path}: frame ${index} does not exist (the file has ${this.frameCount} frames)`);
    }
    const buf = into ?? Buffer.allocUnsafe(this.frameBytes);
    if (buf.length < this.frameBytes)
      throw new RangeError(`buffer of ${buf.length} bytes is smaller than a frame (${this.frameBytes})`);
    const got = readSync(this.fdOrThrow(), buf, 0, this.frameBytes, this.dataOffset(index));
    if (got !== this.frameBytes)
      throw new InputError(`${this.path}: frame ${index} is truncated (${got} of ${this.frameBytes} bytes)`);
    return into ? buf.subarray(0, this.frameBytes) : buf;
  }

  /** Plane p (0 Y, 1 U, 2 V) of frame `index`, read into `into` at `offset` (one positioned read). */
  readPlane(index: number, plane: 0 | 1 | 2, into: Buffer, offset: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.frameCount) {
      throw new RangeError(`${this.path}: frame ${index} does not exist (the file has ${this.frameCount} frames)`);
    }
    const luma = this.width * this.height;
    const chroma = Math.ceil(this.width / 2) * Math.ceil(this.height / 2);
    const start = plane === 0 ? 0 : luma + (plane - 1) * chroma;
    const length = plane === 0 ? luma : chroma;
    if (offset < 0 || offset + length > into.length)
      throw new RangeError(`plane ${plane} (${length} bytes) does not fit at ${offset} in a buffer of ${into.length}`);
    const got = readSync(this.fdOrThrow(), into, offset, length, this.dataOffset(index) + start);
    if (got !== length)
      throw new InputError(`${this.path}: frame ${index} is truncated (plane ${plane}: ${got} of ${length} bytes)`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fdOrThrow(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: Y4mFile is closed`);
    return this.fd;
  }

  private read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    const got = readSync(this.fdOrThrow(), buf, 0, length, offset);
    return buf.subarray(0, got);
  }

  /** Walks every frame header ("FRAME[ params]\n"); a truncated last frame is not counted. */
  private scan(start: number, size: number): number[] {
    const offsets: number[] = [];
    let pos = start;
    while (pos < size) {
      const head = this.read(pos, Math.min(MAX_HEADER, size - pos));
      const nl = head.indexOf(0x0a);
      if (nl < 0 || head.subarray(0, 5).toString('latin1') !== 'FRAME') {
        throw new InputError(
          `${this.path}: expected a FRAME header at byte ${pos} (frame ${offsets.length}); the file is damaged`,
        );
      }
      const data = pos + nl + 1;
      if (data + this.frameBytes > size) break;
      offsets.push(data);
      pos = data + this.frameBytes;
    }
    return offsets;
  }
}
