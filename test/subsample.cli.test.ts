// Quick mode (no browser). Which pictures are scored (positions written out by hand), and that a
// subsampled metric job scores them exactly as a full job does: the full job over the same real
// clip is the brute-force reference, so libvmaf's motion feature must still see every picture.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { runMetricJob } from '../src/measure/metrics/MetricJob.js';
import { resolveVmafSetup } from '../src/measure/vmaf/VmafSetup.js';
import { runProcess } from '../src/tools/process.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';
import type { TimedDisplayEntry } from '../src/measure/displaySequence.js';
import { subsampleEntries } from '../src/measure/subsample.js';
import { parseSubsample } from '../src/commands/measure.js';

/** 4 warm-up pictures, then 10 steady ones; picture 7 is a frozen repeat of decoded frame 6. */
function sequence(): TimedDisplayEntry[] {
  const out: TimedDisplayEntry[] = [];
  for (let i = 0; i < 14; i++) {
    const frozen = i === 7;
    out.push({ frameIndex: frozen ? 6 : i < 7 ? i : i - 1, sourceIndex: i, frozen, timeS: i / 30, warmup: i < 4 });
  }
  return out;
}

describe('subsampleEntries', () => {
  it('N=1 keeps every picture with its display index', () => {
    const all = subsampleEntries(sequence(), 1);
    expect(all.map((e) => e.displayIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('N=3 keeps pictures 0, 3, 6, 9, 12 of the sequence (what libvmaf n_subsample=3 scores)', () => {
    const third = subsampleEntries(sequence(), 3);
    expect(third.map((e) => e.displayIndex)).toEqual([0, 3, 6, 9, 12]);
    expect(third.map((e) => e.sourceIndex)).toEqual([0, 3, 6, 9, 12]);
  });

  it('a frozen picture chosen stays frozen and keeps the decoded frame it repeats', () => {
    expect(subsampleEntries(sequence(), 7).find((e) => e.displayIndex === 7)).toMatchObject({
      frozen: true,
      frameIndex: 6,
    });
  });

  it('the decoded frame indices stay in display order (the metric job decodes forwards only)', () => {
    const idx = subsampleEntries(sequence(), 4).map((e) => e.frameIndex);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('rejects intervals below 1 and fractions, also from the command line', () => {
    expect(() => subsampleEntries(sequence(), 0)).toThrow(RangeError);
    expect(() => parseSubsample('0')).toThrow('--vmaf-subsample 0: expected a whole number from 1 to 30');
    expect(() => parseSubsample('31')).toThrow('--vmaf-subsample 31: expected a whole number from 1 to 30');
    expect(() => parseSubsample('2.5')).toThrow('--vmaf-subsample 2.5');
    expect(() => parseSubsample('x')).toThrow('--vmaf-subsample x');
    expect(parseSubsample('3')).toBe(3);
    expect(parseSubsample(undefined)).toBe(1);
  });
});

describe('a subsampled metric job', () => {
  it('scores pictures 0, N, 2N, ... exactly as the full job does (VMAF, PSNR, SSIM)', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-subsample-'));
    try {
      // A moving, noisy 640x360 reference and a VP8 layer at 320x180 scored at 640x360 (both sides scaled).
      const ref = path.join(tmp, 'ref.y4m');
      const ivf = path.join(tmp, 'q.ivf');
      const make = async (args: string[]) =>
        expect((await runProcess(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...args])).code).toBe(0);
      await make([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=640x360:r=30,noise=alls=12:allf=t',
        '-frames:v',
        '31',
        '-pix_fmt',
        'yuv420p',
        '-f',
        'yuv4mpegpipe',
        ref,
      ]);
      await make(['-i', ref, '-s', '320x180', '-c:v', 'libvpx', '-b:v', '200k', '-f', 'ivf', ivf]);
      const setup = await resolveVmafSetup({
        backend: 'ffmpeg',
        ffmpeg: FFMPEG,
        env: { ...process.env, SIMQ_VMAF_MODEL_DIR: VMAF_MODEL_DIR },
      });
      // Frame 10 dropped by the "encoder": picture 11 repeats decoded frame 10 while the source moves on.
      const entries = Array.from({ length: 31 }, (_, i) => ({
        frameIndex: i === 11 ? 10 : i,
        sourceIndex: i,
        frozen: i === 11,
      }));
      const job = (subsample: number | undefined, dir: string) =>
        runMetricJob({
          ffmpegPath: FFMPEG,
          bitstream: ivf,
          codec: 'vp8',
          decodedSize: { width: 320, height: 180 },
          reference: Y4mFile.open(ref),
          entries,
          subsample,
          size: { width: 640, height: 360 },
          runner: { command: setup.command, argsPrefix: [], libvmafOptions: setup.libvmafOptions, threads: 1 },
          workDir: path.join(tmp, dir),
        });
      const full = await job(undefined, 'full');
      const quick = await job(3, 'quick');
      expect(full).toHaveLength(31);
      expect(quick).toHaveLength(11);
      quick.forEach((m, j) => expect(m, `picture ${j * 3}`).toEqual(full[j * 3]));
      // Not trivially equal: the scores vary from picture to picture.
      expect(new Set(quick.map((m) => m.vmaf)).size).toBeGreaterThan(5);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
