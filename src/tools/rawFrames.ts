// Reading fixed-size raw frames from a child process's stdout, and writing to a stdin with backpressure.
import type { Readable, Writable } from 'node:stream';

/** Yields each frameBytes-sized frame of the stream in order (a new Buffer per frame). */
export async function* rawFrames(stream: Readable, frameBytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < frameBytes) continue;
    let all = Buffer.concat(pending, pendingBytes);
    let offset = 0;
    while (pendingBytes - offset >= frameBytes) {
      yield Buffer.from(all.subarray(offset, offset + frameBytes));
      offset += frameBytes;
    }
    all = all.subarray(offset);
    pending = all.length ? [all] : [];
    pendingBytes = all.length;
  }
  if (pendingBytes > 0) throw new Error(`stream ended inside a frame (${pendingBytes} of ${frameBytes} bytes)`);
}

/** Writes and waits when the pipe is full; rejects if the reader went away. */
export function writeWithBackpressure(stream: Writable, data: Buffer): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.reject(new Error('the receiving process closed its input'));
  if (stream.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the receiving process closed its input'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
}
