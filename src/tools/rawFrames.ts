// Reading fixed-size raw frames from a child process's stdout, and writing to a stdin with backpressure.
import type { Readable } from 'node:stream';

/**
 * Yields each frameBytes-sized frame of the stream in order. Each chunk is copied once, straight into
 * its frame (a frame of 1280x720 arrives in about twenty pipe reads). By default every frame is a new
 * Buffer; with `reuse`, two buffers take turns, so a frame stays valid only until the next one is
 * asked for (for a reader that copies each frame before reading on).
 */
export async function* rawFrames(
  stream: Readable,
  frameBytes: number,
  options: { reuse?: boolean } = {},
): AsyncGenerator<Buffer> {
  const spare = options.reuse ? [Buffer.allocUnsafe(frameBytes), Buffer.allocUnsafe(frameBytes)] : undefined;
  let turn = 0;
  const nextFrame = () => (spare ? spare[turn++ % 2] : Buffer.allocUnsafe(frameBytes));
  let frame = nextFrame();
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        yield frame;
        frame = nextFrame();
        filled = 0;
      }
    }
  }
  if (filled > 0) throw new Error(`stream ended inside a frame (${filled} of ${frameBytes} bytes)`);
}
