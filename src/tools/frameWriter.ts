// Writing fixed-size frames to a child's stdin from a few buffers that are filled again and again,
// instead of a new buffer per frame: at 1280x720 every stacked frame is 2.8 MB, and allocating
// (zero-filling) and collecting one per picture cost the measure stage's Node process more than
// composing them. A buffer is handed out again only once the write of its last frame completed
// (the stream calls back after the bytes went to the pipe), so no frame is changed while queued.
import type { Writable } from 'node:stream';

export class FrameWriter {
  private readonly buffers: Buffer[];
  private readonly inFlight: (Promise<void> | undefined)[];
  private readonly closed: Promise<never>;
  private turn = 0;

  /** `count` buffers of `frameBytes`, zero-filled once (what a frame leaves unwritten stays zero). */
  constructor(
    private readonly stream: Writable,
    frameBytes: number,
    count = 2,
  ) {
    this.buffers = Array.from({ length: count }, () => Buffer.alloc(frameBytes));
    this.inFlight = new Array<Promise<void> | undefined>(count).fill(undefined);
    this.closed = new Promise<never>((_, reject) =>
      stream.once('close', () => reject(new Error('the receiving process closed its input'))),
    );
    this.closed.catch(() => undefined);
  }

  /** The buffer to fill for the next frame, once its previous write is done. */
  async next(): Promise<Buffer> {
    const k = this.turn % this.buffers.length;
    const pending = this.inFlight[k];
    if (pending) await Promise.race([pending, this.closed]);
    return this.buffers[k];
  }

  /** Writes the buffer the last next() gave. */
  write(): void {
    if (this.stream.destroyed || this.stream.writableEnded) throw new Error('the receiving process closed its input');
    const k = this.turn++ % this.buffers.length;
    const done = new Promise<void>((resolve, reject) =>
      this.stream.write(this.buffers[k], (e) => (e ? reject(e) : resolve())),
    );
    done.catch(() => undefined);
    this.inFlight[k] = done;
  }

  /** Waits for every write so far. */
  async flush(): Promise<void> {
    await Promise.race([Promise.all(this.inFlight), this.closed]);
  }
}
