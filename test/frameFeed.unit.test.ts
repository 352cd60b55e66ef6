// Feeding the metric ffmpeg: decoded frames cut out of pipe chunks of any length, stacked pairs
// composed in reused buffers with the reference read straight from the Y4M, and a writer that never
// refills a buffer still being written. Frames and files are made by hand with known bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { StackedPair } from '../src/measure/metrics/StackedPair.js';
import { FrameWriter } from '../src/tools/frameWriter.js';
import { rawFrames } from '../src/tools/rawFrames.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-framefeed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame of `bytes` bytes whose every byte encodes the frame number and position. */
const frameOf = (n: number, bytes: number) =>
  Buffer.from(Array.from({ length: bytes }, (_, j) => (n * 31 + j * 7) & 255));

describe('rawFrames', () => {
  for (const reuse of [false, true]) {
    it(`cuts frames out of chunks that split them anywhere (reuse: ${reuse})`, async () => {
      const bytes = 10;
      const all = Buffer.concat([0, 1, 2, 3].map((n) => frameOf(n, bytes)));
      // Chunks of 3, 14, 1, 22 bytes, as a pipe may deliver them: frames end inside chunks and chunks end inside frames.
      const chunks = async function* () {
        for (const [a, b] of [
          [0, 3],
          [3, 17],
          [17, 18],
          [18, 40],
        ])
          yield all.subarray(a, b);
      };
      const got: Buffer[] = [];
      for await (const f of rawFrames(chunks() as unknown as Readable, bytes, { reuse })) got.push(Buffer.from(f));
      expect(got).toEqual([0, 1, 2, 3].map((n) => frameOf(n, bytes)));
    });
  }

  it('rejects a stream that ends inside a frame', async () => {
    const stream = new PassThrough();
    stream.end(Buffer.alloc(15));
    const read = async () => {
      for await (const _ of rawFrames(stream, 10, { reuse: true })) void _;
    };
    await expect(read()).rejects.toThrow('stream ended inside a frame (5 of 10 bytes)');
  });
});

/**
 * The stacked layout written out from its definition (yuv420p, planes one after the other; the
 * distorted picture at row 0, the reference from row referenceTop, zero padding), not from StackedPair.
 */
function stackByHand(
  width: number,
  height: number,
  parts: { frame: Buffer; w: number; h: number; row: number }[],
): Buffer {
  const out = Buffer.alloc(width * height * 1.5);
  const planeStart = [0, width * height, width * height * 1.25];
  for (const { frame, w, h, row } of parts) {
    const cw = Math.ceil(w / 2);
    const ch = Math.ceil(h / 2);
    const srcStart = [0, w * h, w * h + cw * ch];
    [
      [w, h, width, row],
      [cw, ch, width / 2, row / 2],
      [cw, ch, width / 2, row / 2],
    ].forEach(([pw, ph, stride, r0], p) => {
      for (let y = 0; y < ph; y++)
        for (let x = 0; x < pw; x++) out[planeStart[p] + (r0 + y) * stride + x] = frame[srcStart[p] + y * pw + x];
    });
  }
  return out;
}

describe('StackedPair.placeReference', () => {
  // A 6x4 reference Y4M of 3 frames and a 2x2 distorted picture: the reference is the widest, so its
  // planes are read straight into the stacked frame; a 4x2 reference is narrower than an 6x2 picture.
  const writeY4m = (name: string, w: number, h: number, frames: Buffer[]) => {
    const file = path.join(dir, name);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip C420jpeg\n`),
        ...frames.flatMap((f) => [Buffer.from('FRAME\n'), f]),
      ]),
    );
    return Y4mFile.open(file);
  };

  it('places the reference where compose() would, reading the planes from the file', () => {
    const refBytes = 6 * 4 + 2 * 3 * 2;
    const y4m = writeY4m(
      'wide.y4m',
      6,
      4,
      [0, 1, 2].map((n) => frameOf(n, refBytes)),
    );
    const pair = new StackedPair({ width: 2, height: 2 }, { width: 6, height: 4 });
    const distorted = frameOf(9, 2 * 2 + 2);
    const stacked = Buffer.alloc(pair.frameBytes);
    pair.placeDistorted(stacked, distorted);
    pair.placeReference(stacked, y4m, 2);
    expect([pair.width, pair.height, pair.referenceTop]).toEqual([6, 6, 2]);
    expect(stacked).toEqual(
      stackByHand(6, 6, [
        { frame: distorted, w: 2, h: 2, row: 0 },
        { frame: frameOf(2, refBytes), w: 6, h: 4, row: 2 },
      ]),
    );
    expect(stacked).toEqual(pair.compose(distorted, frameOf(2, refBytes)));
    y4m.close();
  });

  it('places a reference narrower than the stacked frame through the scratch buffer', () => {
    const refBytes = 4 * 2 + 2 * 2 * 1;
    const y4m = writeY4m(
      'narrow.y4m',
      4,
      2,
      [0, 1].map((n) => frameOf(n, refBytes)),
    );
    const pair = new StackedPair({ width: 6, height: 2 }, { width: 4, height: 2 });
    const distorted = frameOf(5, 6 * 2 + 2 * 3);
    const stacked = Buffer.alloc(pair.frameBytes);
    pair.placeDistorted(stacked, distorted);
    pair.placeReference(stacked, y4m, 1, Buffer.alloc(refBytes));
    expect([pair.width, pair.height, pair.referenceTop]).toEqual([6, 4, 2]);
    expect(stacked).toEqual(
      stackByHand(6, 4, [
        { frame: distorted, w: 6, h: 2, row: 0 },
        { frame: frameOf(1, refBytes), w: 4, h: 2, row: 2 },
      ]),
    );
    y4m.close();
  });
});

describe('FrameWriter', () => {
  it('refills a buffer only after its write completed: a slow reader gets every frame intact', async () => {
    const received: Buffer[] = [];
    // The reader keeps the chunk it is given and copies it only later, then acknowledges the write
    // (a pipe acknowledges once the kernel has the bytes): reuse before the acknowledgement would show.
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, callback) {
        setTimeout(() => {
          received.push(Buffer.from(chunk));
          callback();
        }, 2);
      },
    });
    const writer = new FrameWriter(slow, 8, 2);
    for (let n = 0; n < 6; n++) {
      const buffer = await writer.next();
      frameOf(n, 8).copy(buffer);
      writer.write();
    }
    await writer.flush();
    expect(received).toEqual([0, 1, 2, 3, 4, 5].map((n) => frameOf(n, 8)));
  });

  it('fails instead of waiting forever when the reader closed its input', async () => {
    const closing = new Writable({ write: () => undefined });
    const writer = new FrameWriter(closing, 4, 1);
    await writer.next();
    writer.write();
    closing.destroy();
    await expect(writer.next()).rejects.toThrow('the receiving process closed its input');
  });
});
