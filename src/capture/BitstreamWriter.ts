// Writes one layer's encoded frames as they arrive: IVF for VP8/VP9/AV1, Annex B for H.264.
// The file grows under a temporary name and gets its real name only when the scenario finishes,
// so an interrupted capture never leaves a file that looks complete.
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { writeAllSync } from '../io/atomicWrite.js';
import type { Codec } from '../scenario/ScenarioTypes.js';

const IVF_FOURCC: Record<Exclude<Codec, 'h264'>, string> = { vp8: 'VP80', vp9: 'VP90', av1: 'AV01' };
/** IVF time base 1/90000: frame pts are RTP timestamps, so the file keeps the capture's timing. */
const RTP_CLOCK = 90_000;
const IVF_HEADER_BYTES = 32;
const IVF_FRAME_HEADER_BYTES = 12;

export function bitstreamExtension(codec: Codec): 'ivf' | 'h264' {
  return codec === 'h264' ? 'h264' : 'ivf';
}

export class BitstreamWriter {
  private fd: number;
  private closed = false;
  private frames = 0;
  private position = 0;
  private lastRtp: number | undefined;
  private pts = 0;
  private width = 0;
  private height = 0;

  constructor(
    readonly codec: Codec,
    readonly tempPath: string,
  ) {
    this.fd = openSync(tempPath, 'w');
    if (codec !== 'h264') this.write(Buffer.alloc(IVF_HEADER_BYTES));
  }

  get frameCount(): number {
    return this.frames;
  }

  /** rtpTimestamp is 32-bit and wraps: pts accumulates the signed 32-bit differences. */
  private unwrap(rtp: number): number {
    if (this.lastRtp === undefined) {
      this.lastRtp = rtp;
      return 0;
    }
    this.pts += (rtp - this.lastRtp) | 0;
    this.lastRtp = rtp;
    return this.pts;
  }

  append(data: Uint8Array, rtpTimestamp: number, width: number, height: number): void {
    if (this.frames === 0) {
      this.width = width;
      this.height = height;
    }
    if (this.codec === 'h264') {
      this.write(data);
    } else {
      const header = Buffer.alloc(IVF_FRAME_HEADER_BYTES);
      header.writeUInt32LE(data.byteLength, 0);
      header.writeBigUInt64LE(BigInt(Math.max(0, this.unwrap(rtpTimestamp))), 4);
      this.write(header);
      this.write(data);
    }
    this.frames++;
  }

  private write(data: Uint8Array): void {
    writeAllSync(this.fd, data, this.position);
    this.position += data.byteLength;
  }

  /** Completes the IVF header (size, frame count) and gives the file its final name. */
  finish(finalPath: string): void {
    if (this.codec !== 'h264') {
      const header = Buffer.alloc(IVF_HEADER_BYTES);
      header.write('DKIF', 0, 'ascii');
      header.writeUInt16LE(0, 4);
      header.writeUInt16LE(IVF_HEADER_BYTES, 6);
      header.write(IVF_FOURCC[this.codec], 8, 'ascii');
      header.writeUInt16LE(this.width, 12);
      header.writeUInt16LE(this.height, 14);
      header.writeUInt32LE(RTP_CLOCK, 16);
      header.writeUInt32LE(1, 20);
      header.writeUInt32LE(this.frames, 24);
      writeAllSync(this.fd, header, 0);
    }
    fsyncSync(this.fd);
    this.closed = true;
    closeSync(this.fd);
    renameSync(this.tempPath, finalPath);
  }

  /** Drops the partial file: an incomplete scenario keeps no half-written bitstream. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // the fd is gone already; the file is removed below all the same
    }
    rmSync(this.tempPath, { force: true });
  }
}
