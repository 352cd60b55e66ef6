// Frame alignment against clips whose answer is known by construction: the test picks which source
// frames of a synthetic reference the "camera" delivered (start offset, loop wrap, dropped frames),
// writes exactly those frames into a raw stream, has ffmpeg downscale and encode them (libvpx / libx264),
// and gives them rtpTimestamps the way the capture stage records them. simq must find every frame's
// source index and exactly the dropped source frames from the bitstream, timestamps and reference.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALIGN_TUNING, type Thumbnails } from '../src/measure/alignment/AlignmentTypes.js';
import { alignFrames } from '../src/measure/alignment/alignFrames.js';
import { alignLayer } from '../src/measure/alignment/alignLayer.js';
import { expectedSteps, unwrapRtpTimestamps } from '../src/measure/alignment/rtpTimeline.js';
import {
  forgetReferenceThumbnails,
  referenceCachePath,
  referenceThumbnails,
} from '../src/measure/alignment/thumbnails.js';
import { InputError } from '../src/errors.js';
import { FfmpegCommand } from '../src/tools/FfmpegArgs.js';
import { locateFfmpeg } from '../src/tools/ffmpeg.js';
import { runProcess } from '../src/tools/process.js';

const FPS = 30;
const PERIOD = 90000 / FPS;
const W = 320;
const H = 180;
const REF_FRAMES = 120;
const TWO_32 = 2 ** 32;
const { latticeWindow: LATTICE_WINDOW, latticeCoherence: LATTICE_COHERENCE } = DEFAULT_ALIGN_TUNING;

let ffmpeg: string;
let dir: string;
let refY4m: string;
let refFrames: Buffer[];

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function ff(args: string[], input?: Buffer): Promise<void> {
  const r = await runProcess(ffmpeg, args, { input, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** Splits a 4:2:0 Y4M into its frames (read by the test itself, independent of simq). */
function readY4mFrames(file: string, width: number, height: number): Buffer[] {
  const buf = readFileSync(file);
  const frameBytes = width * height * 1.5;
  let at = buf.indexOf(0x0a) + 1;
  const frames: Buffer[] = [];
  while (at < buf.length) {
    const eol = buf.indexOf(0x0a, at);
    expect(buf.toString('latin1', at, at + 5)).toBe('FRAME');
    frames.push(buf.subarray(eol + 1, eol + 1 + frameBytes));
    at = eol + 1 + frameBytes;
  }
  return frames;
}

function writeY4m(file: string, frames: Buffer[], width: number, height: number): void {
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${FPS}:1 Ip A1:1 C420jpeg\n`, 'latin1')];
  for (const f of frames) parts.push(Buffer.from('FRAME\n', 'latin1'), f);
  writeFileSync(file, Buffer.concat(parts));
}

interface Construction {
  /** Source index of each frame the camera delivered and the encoder kept, in order. */
  sourceIndex: number[];
  /** Source positions (camera ticks since start) of the kept frames. */
  position: number[];
  /** Source indices dropped between the first and the last kept frame, in order. */
  dropped: number[];
  droppedAfter: number[];
}

/** The camera starts at `start`, delivers `ticks` frames looping at n, the encoder drops `dropTicks`. */
function construct(start: number, ticks: number, dropTicks: number[], n: number): Construction {
  const drop = new Set(dropTicks);
  const kept: number[] = [];
  for (let p = 0; p < ticks; p++) if (!drop.has(p)) kept.push(p);
  const sourceIndex = kept.map((p) => (start + p) % n);
  const dropped: number[] = [];
  const droppedAfter: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    const next = kept[i + 1];
    droppedAfter.push(next === undefined ? 0 : next - kept[i] - 1);
    if (next !== undefined) for (let p = kept[i] + 1; p < next; p++) dropped.push((start + p) % n);
  }
  return { sourceIndex, position: kept, dropped, droppedAfter };
}

/** rtpTimestamps as capture records them: random 32-bit offset, 90 kHz, per-frame capture jitter. */
function rtpTimestamps(positions: number[], offset: number, jitter: (p: number) => number): number[] {
  return positions.map((p) => (((offset + p * PERIOD + jitter(p)) % TWO_32) + TWO_32) % TWO_32);
}

function writeFramesCsv(file: string, ts: number[], width: number, height: number): void {
  const rows = ['frame_index,rtp_timestamp,time_s,bytes,type,temporal_index,width,height'];
  ts.forEach((t, i) =>
    rows.push(`${i},${t},${(1 + i / FPS).toFixed(3)},,${i === 0 ? 'key' : 'delta'},0,${width},${height}`),
  );
  writeFileSync(file, rows.join('\n') + '\n');
}

/** Writes the chosen source frames into a raw stream; ffmpeg halves the size and encodes them. */
async function encodeLayer(
  frames: Buffer[],
  sourceIndex: number[],
  out: string,
  codec: 'libvpx' | 'libx264',
): Promise<void> {
  const raw = Buffer.concat(sourceIndex.map((s) => frames[s]));
  const codecArgs: [string, string][] =
    codec === 'libvpx'
      ? // Realtime VP8 like libwebrtc's: no lag, no alt-ref (hidden) frames, no encoder-side dropping.
        [
          ['-b:v', '150k'],
          ['-deadline', 'realtime'],
          ['-cpu-used', '8'],
          ['-lag-in-frames', '0'],
          ['-auto-alt-ref', '0'],
          ['-g', '3000'],
        ]
      : // Baseline-like H.264 as OpenH264 sends it: no B-frames, so decode order is capture order.
        [
          ['-b:v', '150k'],
          ['-preset', 'veryfast'],
          ['-tune', 'zerolatency'],
          ['-bf', '0'],
          ['-g', '3000'],
        ];
  const args = new FfmpegCommand()
    .overwrite()
    .input('-', { raw: { width: W, height: H, pixFmt: 'yuv420p', fps: FPS } })
    .output(out, {
      codec,
      codecArgs,
      size: { width: W / 2, height: H / 2 },
      scaler: 'bicubic',
      pixFmt: 'yuv420p',
      format: codec === 'libvpx' ? 'ivf' : 'h264',
    })
    .args();
  await ff(args, raw);
}

beforeAll(async () => {
  ffmpeg = locateFfmpeg().path;
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-align-'));
  refY4m = path.join(dir, 'ref.y4m');
  // testsrc2: moving gradients, blocks and a frame counter: every frame differs from its neighbours.
  await ff(
    new FfmpegCommand()
      .overwrite()
      .input(`testsrc2=size=${W}x${H}:rate=${FPS}`, { format: 'lavfi' })
      .output(refY4m, { pixFmt: 'yuv420p', frames: REF_FRAMES, format: 'yuv4mpegpipe' })
      .args(),
  );
  refFrames = readY4mFrames(refY4m, W, H);
  expect(refFrames.length).toBe(REF_FRAMES);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rtpTimestamp timeline', () => {
  it('unwraps across 2^32 and keeps the spacing', () => {
    const ts = [TWO_32 - 4000, TWO_32 - 1000, 2000, 5000, 11000];
    expect(unwrapRtpTimestamps(ts)).toEqual([
      TWO_32 - 4000,
      TWO_32 - 1000,
      TWO_32 + 2000,
      TWO_32 + 5000,
      TWO_32 + 11000,
    ]);
    // Exactly at the boundary: 2^32 - 1 then 0 is one tick.
    expect(unwrapRtpTimestamps([TWO_32 - 1, 0])).toEqual([TWO_32 - 1, TWO_32]);
  });

  it('rejects timestamps that go backwards or are not 32-bit', () => {
    expect(() => unwrapRtpTimestamps([5000, 2000])).toThrow(InputError);
    expect(() => unwrapRtpTimestamps([5000, 5000])).toThrow(/frame 1/);
    expect(() => unwrapRtpTimestamps([TWO_32])).toThrow(/0\.\.4294967295/);
  });

  it('reads steps against the frame lattice where gap-by-gap rounding is fooled by jitter', () => {
    // 80 frames with drops, each capture time off by up to +-1000 ticks (a third of a period).
    const r = rng(7);
    const positions = Array.from({ length: 90 }, (_, i) => i).filter(
      (i) => ![4, 17, 18, 40, 61, 62, 63, 77, 78, 85].includes(i),
    );
    const ts = positions.map((p) => 7000 + p * PERIOD + Math.round((r() * 2 - 1) * 1000));
    const truth = positions.slice(1).map((p, i) => p - positions[i]);
    const steps = expectedSteps(ts, FPS, LATTICE_WINDOW, LATTICE_COHERENCE);
    expect(steps.primary.slice(1)).toEqual(truth);
    // The same gaps read one by one give wrong steps: the lattice is what makes this pass.
    expect(steps.gapOnly.slice(1)).not.toEqual(truth);
  });

  it('follows a camera clock 0.5% off the nominal rate through jitter and drops', () => {
    const r = rng(5);
    const positions = Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 37 !== 5 && i % 53 !== 9);
    const ts = positions.map((p) => Math.round(p * PERIOD * 1.005 + (r() * 2 - 1) * 800) + 123);
    const steps = expectedSteps(ts, FPS, LATTICE_WINDOW, LATTICE_COHERENCE);
    expect(steps.primary.slice(1)).toEqual(positions.slice(1).map((p, i) => p - positions[i]));
  });
});

describe('alignFrames on synthetic thumbnails', () => {
  function randomThumbs(count: number, seed: number): Thumbnails {
    const r = rng(seed);
    const data = new Uint8Array(count * 64 * 36);
    for (let j = 0; j < data.length; j++) data[j] = Math.floor(r() * 256);
    return { width: 64, height: 36, count, data };
  }
  function noisyCopy(ref: Thumbnails, indices: number[], seed: number): Thumbnails {
    const r = rng(seed);
    const px = ref.width * ref.height;
    const data = new Uint8Array(indices.length * px);
    indices.forEach((s, i) => {
      for (let j = 0; j < px; j++)
        data[i * px + j] = Math.max(0, Math.min(255, ref.data[s * px + j] + Math.round((r() - 0.5) * 40)));
    });
    return { ...ref, count: indices.length, data };
  }

  it('re-acquires when the camera jumps to another part of the clip', () => {
    const ref = randomThumbs(200, 1);
    // 40 frames from 10, then (a camera restart) 40 frames from 150; timestamps keep a steady 30 fps.
    const truth = [...Array.from({ length: 40 }, (_, i) => 10 + i), ...Array.from({ length: 40 }, (_, i) => 150 + i)];
    const ts = truth.map((_, i) => 1000 + i * PERIOD);
    const res = alignFrames({ layer: noisyCopy(ref, truth, 2), rtpTimestamps: ts, fps: FPS, reference: ref });
    expect(res.sourceIndex).toEqual(truth);
    expect(res.reacquiredFrames).toEqual([40]);
  });
});

describe('alignLayer on encoded clips (real ffmpeg)', () => {
  let vp8: Promise<{ c: Construction; ivf: string; csv: string }> | undefined;
  /** The VP8 layer several tests use, built once. */
  function vp8Layer(): Promise<{ c: Construction; ivf: string; csv: string }> {
    vp8 ??= (async () => {
      const r = rng(11);
      // Start at frame 37, run 160 ticks (wraps at 120), drop singles, a pair, a triple, and frames on both sides of the loop end.
      const c = construct(37, 160, [9, 25, 26, 48, 82, 83, 100, 101, 102, 131], REF_FRAMES);
      const ivf = path.join(dir, 'q.ivf');
      await encodeLayer(refFrames, c.sourceIndex, ivf, 'libvpx');
      const ts = rtpTimestamps(c.position, Math.floor(r() * TWO_32), () => Math.round((r() * 2 - 1) * 800));
      const csv = path.join(dir, 'q.frames.csv');
      writeFramesCsv(csv, ts, W / 2, H / 2);
      return { c, ivf, csv };
    })();
    return vp8;
  }

  it('VP8 IVF at half size: every source index and exactly the dropped frames', async () => {
    const { c, ivf, csv } = await vp8Layer();
    const res = await alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, framesCsv: csv, referenceY4m: refY4m });
    expect(res.framesCaptured).toBe(c.sourceIndex.length);
    expect(res.referenceFrames).toBe(REF_FRAMES);
    expect(res.sourceIndex).toEqual(c.sourceIndex);
    expect(res.droppedSourceIndices).toEqual(c.dropped);
    expect(res.droppedAfter).toEqual(c.droppedAfter);
    expect(res.droppedTotal).toBe(c.dropped.length);
    // Moving content: (nearly) every frame is singled out by its picture, not just by timing.
    expect(res.confidence).toBeGreaterThan(0.9);
    expect(res.match.filter((m) => m === 'weak')).toEqual([]);
  });

  for (const repeated of ['last', 'first'] as const) {
    it(`Chromium's file camera shows the clip's ${repeated} frame twice at the loop: a repeat, not a lost loop`, async () => {
      // Measured on Chromium 156: ... N-1, N-1, 0 ... or ... N-1, 0, 0, 1 ..., one frame interval apart.
      const r = rng(repeated === 'last' ? 33 : 34);
      const sourceIndex: number[] = [];
      for (let s = 100; s < REF_FRAMES; s++) sourceIndex.push(s);
      sourceIndex.push(repeated === 'last' ? REF_FRAMES - 1 : 0);
      for (let s = 0; s < 30; s++) sourceIndex.push(s);
      const ivf = path.join(dir, `loop-${repeated}.ivf`);
      await encodeLayer(refFrames, sourceIndex, ivf, 'libvpx');
      const ts = rtpTimestamps(
        sourceIndex.map((_, i) => i),
        Math.floor(r() * TWO_32),
        () => Math.round((r() * 2 - 1) * 600),
      );
      const csv = path.join(dir, `loop-${repeated}.frames.csv`);
      writeFramesCsv(csv, ts, W / 2, H / 2);
      const res = await alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, framesCsv: csv, referenceY4m: refY4m });
      expect(res.sourceIndex).toEqual(sourceIndex);
      expect(res.droppedTotal).toBe(0);
      expect(res.reacquiredFrames).toEqual([]);
    });
  }

  it('H.264 Annex B, timestamps wrapping 2^32 mid-capture, a long gap', async () => {
    const r = rng(22);
    const c = construct(95, 150, [3, 4, 5, 6, 7, 40, 41, 77, 120], REF_FRAMES);
    const h264 = path.join(dir, 'h.h264');
    await encodeLayer(refFrames, c.sourceIndex, h264, 'libx264');
    const offset = TWO_32 - 60 * PERIOD;
    const ts = rtpTimestamps(c.position, offset, () => Math.round((r() * 2 - 1) * 800));
    expect(ts.some((t, i) => i > 0 && t < ts[i - 1])).toBe(true); // the wrap really happens

    const res = await alignLayer({ ffmpegPath: ffmpeg, bitstream: h264, rtpTimestamps: ts, referenceY4m: refY4m });
    expect(res.sourceIndex).toEqual(c.sourceIndex);
    expect(res.droppedSourceIndices).toEqual(c.dropped);
    expect(res.droppedTotal).toBe(c.dropped.length);
    expect(res.confidence).toBeGreaterThan(0.9);
  });

  it('near-static stretch with large jitter: indices from timestamps, confidence says so', async () => {
    // Reference whose frames 50..79 are frame 50 with faint noise: their thumbnails are alike.
    const r = rng(33);
    const frames = refFrames.map((f, i) => {
      if (i < 50 || i >= 80) return f;
      const g = Buffer.from(refFrames[50]);
      for (let j = 0; j < W * H; j++) g[j] = Math.max(16, Math.min(235, g[j] + Math.round((r() - 0.5) * 4)));
      return g;
    });
    const staticY4m = path.join(dir, 'static.y4m');
    writeY4m(staticY4m, frames, W, H);
    // Start at 20; drops inside the static stretch (sources 55, 62, 63, 71) and outside (33, 95).
    const c = construct(20, 110, [13, 35, 42, 43, 51, 75], REF_FRAMES);
    const ivf = path.join(dir, 's.ivf');
    await encodeLayer(frames, c.sourceIndex, ivf, 'libvpx');
    // Jitter of up to +-1000 ticks per frame (a third of a period, about twice what Chrome showed),
    // enough that reading each gap alone misjudges steps inside the stretch (checked below).
    const ts = rtpTimestamps(c.position, Math.floor(r() * TWO_32), () => Math.round((r() * 2 - 1) * 1000));
    const unwrapped = unwrapRtpTimestamps(ts);
    const gapOnlyWrong = c.position.some((p, i) => {
      const s = c.sourceIndex[i];
      return (
        i > 0 &&
        s >= 50 &&
        s < 80 &&
        Math.max(1, Math.round((unwrapped[i] - unwrapped[i - 1]) / PERIOD)) !== p - c.position[i - 1]
      );
    });
    expect(gapOnlyWrong).toBe(true);

    const res = await alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, rtpTimestamps: ts, referenceY4m: staticY4m });
    expect(res.sourceIndex).toEqual(c.sourceIndex);
    expect(res.droppedSourceIndices).toEqual(c.dropped);

    const inside = c.sourceIndex.map((s, i) => (s > 50 && s < 79 ? i : -1)).filter((i) => i >= 0);
    const outside = c.sourceIndex.map((s, i) => (s < 48 || s > 81 ? i : -1)).filter((i) => i >= 0);
    // Inside the stretch the picture cannot tell neighbours apart: placed by timestamps, flagged.
    for (const i of inside) expect(res.match[i]).toBe('timestamps');
    expect(res.lowConfidenceFrames).toEqual(expect.arrayContaining(inside));
    expect(res.confidence).toBeLessThanOrEqual(1 - inside.length / c.sourceIndex.length);
    // Outside it the content still decides.
    expect(outside.filter((i) => res.match[i] === 'content').length).toBeGreaterThan(0.9 * outside.length);
  });

  it('does not claim content matches against a reference the layer was not made from', async () => {
    const other = path.join(dir, 'other.y4m');
    await ff(
      new FfmpegCommand()
        .overwrite()
        .input(`mandelbrot=size=${W}x${H}:rate=${FPS}`, { format: 'lavfi' })
        .output(other, { pixFmt: 'yuv420p', frames: REF_FRAMES, format: 'yuv4mpegpipe' })
        .args(),
    );
    const { ivf, csv } = await vp8Layer();
    const right = await alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, framesCsv: csv, referenceY4m: refY4m });
    const wrong = await alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, framesCsv: csv, referenceY4m: other });
    expect(wrong.confidence).toBeLessThan(0.5);
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    expect(median(wrong.matchDistance)).toBeGreaterThan(3 * median(right.matchDistance));
  });

  it('caches reference thumbnails next to the Y4M and reuses them', async () => {
    const size = { width: 32, height: 18 };
    const cache = referenceCachePath(refY4m, size);
    const [first, concurrent] = await Promise.all([
      referenceThumbnails(ffmpeg, refY4m, size),
      referenceThumbnails(ffmpeg, refY4m, size),
    ]);
    expect(first.cache).toBe('written');
    expect(concurrent.cache).toBe('hit'); // two layers asking at once share one decode
    expect(existsSync(cache)).toBe(true);
    expect(statSync(cache).size).toBe(40 + REF_FRAMES * 32 * 18);
    forgetReferenceThumbnails(); // read the file, not the copy shared in this process
    const second = await referenceThumbnails(ffmpeg, refY4m, size);
    expect(second.cache).toBe('hit');
    expect(Buffer.from(second.thumbnails.data).equals(Buffer.from(first.thumbnails.data))).toBe(true);

    // A reference rewritten under the same name must not reuse the old thumbnails.
    const copy = path.join(dir, 'rewritten.y4m');
    writeY4m(copy, refFrames, W, H);
    expect((await referenceThumbnails(ffmpeg, copy, size)).cache).toBe('written');
    writeY4m(copy, [...refFrames].reverse(), W, H);
    const again = await referenceThumbnails(ffmpeg, copy, size);
    expect(again.cache).toBe('written');
    expect(Buffer.from(again.thumbnails.data).equals(Buffer.from(first.thumbnails.data))).toBe(false);
  });

  it('says which file is at fault when frame counts disagree or the bitstream does not decode', async () => {
    const { ivf } = await vp8Layer();
    await expect(
      alignLayer({ ffmpegPath: ffmpeg, bitstream: ivf, rtpTimestamps: [1, 2, 3], referenceY4m: refY4m }),
    ).rejects.toThrow(/q\.ivf decodes to \d+ frames but the rtpTimestamps given lists 3/);
    const junk = path.join(dir, 'junk.ivf');
    writeFileSync(junk, Buffer.alloc(1000, 7));
    await expect(
      alignLayer({ ffmpegPath: ffmpeg, bitstream: junk, rtpTimestamps: [1], referenceY4m: refY4m }),
    ).rejects.toThrow(/junk\.ivf/);
  });
});
