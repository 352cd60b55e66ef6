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
    const { width: W, height: H } = this;
    const cW = W / 2;
    const cH = H / 2;
    const planes = [
      { offset: 0, stride: W },
      { offset: W * H, stride: cW },
      { offset: W * H + cW * cH, stride: cW },
    ];
    const place = (frame: Buffer, size: PlaneSize, top: number) => {
      const cw = Math.ceil(size.width / 2);
      const ch = Math.ceil(size.height / 2);
      const dims = [
        { w: size.width, h: size.height, src: 0, top },
        { w: cw, h: ch, src: size.width * size.height, top: top / 2 },
        { w: cw, h: ch, src: size.width * size.height + cw * ch, top: top / 2 },
      ];
      dims.forEach((d, p) => {
        const plane = planes[p];
        for (let row = 0; row < d.h; row++) {
          const src = d.src + row * d.w;
          frame.copy(buffer, plane.offset + (d.top + row) * plane.stride, src, src + d.w);
        }
      });
    };
    place(distortedFrame, this.distorted, 0);
    place(referenceFrame, this.reference, this.referenceTop);
    return buffer;
  }
}
