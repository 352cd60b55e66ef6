// A layer of odd size (Chrome sends q at 240x135 from a 960x540 input) decodes, pairs and scores at
// its own size and at a viewer size, and its VMAF is what libvmaf gives run directly on the same
// frames (test/helpers/directVmaf.ts, 4:2:0 chroma rounded up on its own). Construction: a 960x540
// reference, a 240x135 VP8 layer encoded from it by ffmpeg's libvpx; picture i is source frame i.
// No browser: the measure stage's metric job alone (runMetricJob), with the bundled ffmpeg.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { runMetricJob } from '../src/measure/metrics/MetricJob.js';
import { runProcess } from '../src/tools/process.js';
import { directVmaf, yuv420pFrameBytes } from './helpers/directVmaf.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';

const FRAMES = 12;
const MODEL = `model_path=${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl')}`;
let tmp: string;
let ref: string;
let layer: string;

async function ffmpeg(args: string[]) {
  const r = await runProcess(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    timeoutMs: 120_000,
  });
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-odd-layer-'));
  ref = path.join(tmp, 'ref.y4m');
  layer = path.join(tmp, 'q.ivf');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=960x540:rate=30`,
    '-frames:v',
    String(FRAMES),
    '-pix_fmt',
    'yuv420p',
    ref,
  ]);
  await ffmpeg([
    '-i',
    ref,
    '-vf',
    'scale=240:135',
    '-c:v',
    'libvpx',
    '-b:v',
    '150k',
    '-auto-alt-ref',
    '0',
    '-lag-in-frames',
    '0',
    '-f',
    'ivf',
    layer,
  ]);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a 240x135 layer', () => {
  it('4:2:0 frame bytes of an odd size round chroma up', async () => {
    // The decoder's own output length for the layer, against ((w+1)>>1)*((h+1)>>1) per chroma plane.
    const r = await runProcess(FFMPEG, [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      layer,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-',
    ]);
    expect(r.stdout.length).toBe(FRAMES * (240 * 135 + 2 * 120 * 68));
    expect(yuv420pFrameBytes(240, 135)).toBe(240 * 135 + 2 * 120 * 68);
  });

  for (const size of [
    { width: 240, height: 135 },
    { width: 480, height: 270 },
    { width: 640, height: 360 },
  ]) {
    it(`scores at ${size.width}x${size.height} as libvmaf does on the same frames`, async () => {
      const entries = Array.from({ length: FRAMES }, (_, i) => ({ frameIndex: i, sourceIndex: i, frozen: false }));
      const metrics = await runMetricJob({
        ffmpegPath: FFMPEG,
        bitstream: layer,
        codec: 'vp8',
        decodedSize: { width: 240, height: 135 },
        reference: Y4mFile.open(ref),
        entries,
        size,
        runner: { command: FFMPEG, argsPrefix: [], libvmafOptions: MODEL },
        workDir: path.join(tmp, `work-${size.width}`),
      });
      expect(metrics).toHaveLength(FRAMES);
      const direct = await directVmaf({
        ffmpeg: FFMPEG,
        modelOption: MODEL,
        bitstream: layer,
        referenceY4m: ref,
        ...size,
        pairs: entries.map((e) => [e.frameIndex, e.sourceIndex]),
      });
      metrics.forEach((m, i) => expect(Math.abs(m.vmaf! - direct[i]), `picture ${i}`).toBeLessThanOrEqual(0.05));
      for (const m of metrics) expect(m.psnr_y).toBeGreaterThan(15);
    }, 120_000);
  }
});
