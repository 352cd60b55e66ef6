// Frame pairing without timestamps: each frame sent to the metric ffmpeg holds the distorted
// picture on top and the reference picture below it (4:2:0, plane by plane). The filter graph crops
// the two halves apart, so every distorted frame is compared with exactly the reference frame it
// was stacked with: pairing cannot drift, whatever the containers' timestamps said (a hand test
// pairing a decoded IVF with a raw reference by timestamps mis-paired one frame in five). It also
// needs only one pipe (stdin), so it works the same through `docker run -i`.
import { rawFrameBytes } from '../../tools/FfmpegArgs.js';

export interface PlaneSize {
  width: number;
  height: number;
}

const even = (n: number) => n + (n % 2);

export class StackedPair {
  readonly width: number;
  readonly height: number;
  /** Row where the reference starts (even, so chroma rows split cleanly). */
  readonly referenceTop: number;
  readonly frameBytes: number;

  constructor(
    readonly distorted: PlaneSize,
    readonly reference: PlaneSize,
  ) {
    this.width = even(Math.max(distorted.width, reference.width));
    this.referenceTop = even(distorted.height);
    this.height = even(this.referenceTop + reference.height);
    this.frameBytes = rawFrameBytes(this.width, this.height, 'yuv420p');
  }

  /**
   * Composes one stacked frame into a new buffer (a stream may still hold the previous one).
   * Padding stays zero; it is cropped away before any metric sees it.
   */
  compose(distortedFrame: Buffer, referenceFrame: Buffer): Buffer {
    const buffer = Buffer.alloc(this.frameBytes);
    this.place(buffer, distortedFrame, this.distorted, 0);
    this.place(buffer, referenceFrame, this.reference, this.referenceTop);
    return buffer;
  }

  /** Copies the distorted frame (yuv420p at `distorted` size) into the top of a stacked frame. */
  placeDistorted(buffer: Buffer, distortedFrame: Buffer): void {
    this.place(buffer, distortedFrame, this.distorted, 0);
  }

  /**
   * Reads reference frame `index` into the bottom of a stacked frame. When the reference is as wide
   * as the stacked frame (the reference is the largest picture) each of its planes is one contiguous
   * run there, read straight from the file; otherwise through `scratch`. Either way the bytes equal
   * compose()'s.
   */
  placeReference(buffer: Buffer, frames: ReferenceFrames, index: number, scratch?: Buffer): void {
    if (this.reference.width === this.width && this.reference.width % 2 === 0) {
      this.planes(this.reference, this.referenceTop).forEach((d, p) =>
        frames.readPlane(index, p as 0 | 1 | 2, buffer, d.offset),
      );
    } else {
      this.place(buffer, frames.readFrame(index, scratch), this.reference, this.referenceTop);
    }
  }

  /** Where each plane of a picture of `size` placed at row `top` starts in the stacked frame, with its row count and width. */
  private planes(size: PlaneSize, top: number): { offset: number; w: number; h: number; src: number }[] {
    const { width: W, height: H } = this;
    const cW = W / 2;
    const cH = H / 2;
    const cw = Math.ceil(size.width / 2);
    const ch = Math.ceil(size.height / 2);
    return [
      { offset: top * W, w: size.width, h: size.height, src: 0 },
      { offset: W * H + (top / 2) * cW, w: cw, h: ch, src: size.width * size.height },
      { offset: W * H + cW * cH + (top / 2) * cW, w: cw, h: ch, src: size.width * size.height + cw * ch },
    ];
  }

  private place(buffer: Buffer, frame: Buffer, size: PlaneSize, top: number): void {
    const strides = [this.width, this.width / 2, this.width / 2];
    this.planes(size, top).forEach((d, p) => {
      for (let row = 0; row < d.h; row++) {
        const src = d.src + row * d.w;
        frame.copy(buffer, d.offset + row * strides[p], src, src + d.w);
      }
    });
  }
}

/** Random access to the reference's frames (Y4mFile). */
export interface ReferenceFrames {
  readFrame(index: number, into?: Buffer): Buffer;
  /** Plane p (0 Y, 1 U, 2 V) of frame `index`, written contiguously into `into` at `offset`. */
  readPlane(index: number, plane: 0 | 1 | 2, into: Buffer, offset: number): void;
}
