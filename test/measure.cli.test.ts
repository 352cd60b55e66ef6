// The metric job against independent ffmpeg runs: pairing, and sanity on clips known by construction.
// Expected values come from ffmpeg's own psnr / libvmaf filters on frame sequences paired by hand in
// this test, or from clips whose ordering is known by construction. Real ffmpeg + libvmaf throughout.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { runMetricJob, type DisplayEntry, type MetricRunner } from '../src/measure/metrics/MetricJob.js';
import { resolveVmafSetup } from '../src/measure/vmaf/VmafSetup.js';
import { metricMallocEnv } from '../src/tools/mallocTuning.js';
import { runProcess } from '../src/tools/process.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';

let dir: string;
let refY4m: string;
let reference: Y4mFile;
let runner: MetricRunner;
const REF = { width: 640, height: 360 };

async function ffmpeg(...args: string[]): Promise<string> {
  const r = await runProcess(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

async function encode(
  name: string,
  size: { width: number; height: number },
  codecArgs: string[],
  format = 'ivf',
): Promise<string> {
  const out = path.join(dir, name);
  await ffmpeg(
    '-i',
    refY4m,
    '-s',
    `${size.width}x${size.height}`,
    '-sws_flags',
    'bicubic',
    ...codecArgs,
    '-f',
    format,
    out,
  );
  return out;
}

function identity(n: number): DisplayEntry[] {
  return Array.from({ length: n }, (_, i) => ({ frameIndex: i, sourceIndex: i, frozen: false }));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-measure-'));
  refY4m = path.join(dir, 'ref.y4m');
  // Texture + motion + grain: every frame differs from its neighbours.
  await ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${REF.width}x${REF.height}:r=30,noise=alls=3:allf=t`,
    '-t',
    '2',
    '-pix_fmt',
    'yuv420p',
    refY4m,
  );
  reference = Y4mFile.open(refY4m);
  const setup = await resolveVmafSetup({
    backend: 'ffmpeg',
    vmafModelDir: VMAF_MODEL_DIR,
    runDir: dir,
    workDir: path.join(dir, 'work'),
  });
  runner = { command: setup.command, argsPrefix: setup.argsPrefix, libvmafOptions: setup.libvmafOptions, threads: 1 };
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pairing: simq compares exactly the frames it says it compares', () => {
  it('per-frame PSNR equals ffmpeg psnr, and VMAF equals libvmaf, on the same pairs made by hand', async () => {
    const layer = { width: 320, height: 180 };
    const ivf = await encode('q.ivf', layer, [
      '-c:v',
      'libvpx',
      '-b:v',
      '150k',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
    ]);
    // A mapping with an offset, a skipped source frame shown frozen, and a repeat: not the identity.
    const entries: DisplayEntry[] = [];
    for (let i = 0; i < 40; i++) {
      entries.push({ frameIndex: i, sourceIndex: (i + 5) % reference.frameCount, frozen: false });
      if (i === 12) entries.push({ frameIndex: i, sourceIndex: (i + 6) % reference.frameCount, frozen: true });
    }
    const ours = await runMetricJob({
      ffmpegPath: FFMPEG,
      bitstream: ivf,
      codec: 'vp8',
      decodedSize: layer,
      reference,
      entries,
      size: REF,
      runner,
      workDir: path.join(dir, 'work', 'pairing'),
    });

    // By hand: decode everything to raw files, then lay out the pairs frame by frame in this test.
    const decoded = path.join(dir, 'q.yuv');
    await ffmpeg('-i', ivf, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', decoded);
    const refRaw = path.join(dir, 'ref.yuv');
    await ffmpeg('-i', refY4m, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', refRaw);
    const dBytes = layer.width * layer.height * 1.5;
    const rBytes = REF.width * REF.height * 1.5;
    const dAll = readFileSync(decoded);
    const rAll = readFileSync(refRaw);
    const distPairs = Buffer.concat(
      entries.map((e) => dAll.subarray(e.frameIndex * dBytes, (e.frameIndex + 1) * dBytes)),
    );
    const refPairs = Buffer.concat(
      entries.map((e) => rAll.subarray(e.sourceIndex * rBytes, (e.sourceIndex + 1) * rBytes)),
    );
    writeFileSync(path.join(dir, 'dist.pairs.yuv'), distPairs);
    writeFileSync(path.join(dir, 'ref.pairs.yuv'), refPairs);
    const psnrLog = path.join(dir, 'direct.psnr');
    const vmafLog = path.join(dir, 'direct.json');
    await ffmpeg(
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      '320x180',
      '-framerate',
      '30',
      '-i',
      path.join(dir, 'dist.pairs.yuv'),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      '640x360',
      '-framerate',
      '30',
      '-i',
      path.join(dir, 'ref.pairs.yuv'),
      '-lavfi',
      `[0:v]scale=w=640:h=360:flags=bicubic,split[d0][d1];[1:v]split[r0][r1];[d0][r0]psnr=stats_file=${psnrLog}[o1];[d1][r1]libvmaf=${runner.libvmafOptions}:n_threads=1:log_path=${vmafLog}:log_fmt=json[o2]`,
      '-map',
      '[o1]',
      '-f',
      'null',
      '-',
      '-map',
      '[o2]',
      '-f',
      'null',
      '-',
    );
    const direct = readFileSync(psnrLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(/psnr_y:(\S+)/.exec(l)![1]));
    const directVmaf = (
      JSON.parse(readFileSync(vmafLog, 'utf8')) as { frames: { metrics: { vmaf: number } }[] }
    ).frames.map((f) => f.metrics.vmaf);
    expect(ours.length).toBe(entries.length);
    expect(direct.length).toBe(entries.length);
    expect(ours.map((m) => m.psnr_y)).toEqual(direct);
    ours.forEach((m, i) => expect(Math.abs(m.vmaf! - directVmaf[i]), `picture ${i}`).toBeLessThanOrEqual(0.01));
  });
});

describe('the metric ffmpeg keeps its buffers (glibc allocator settings, src/tools/mallocTuning.ts)', () => {
  // libvmaf 1.x frees and re-allocates its per-picture buffers; glibc's defaults hand them back to the
  // kernel each time (2.47 million page faults for 180 pictures at 1280x720, 4-5x the CPU time).
  it('the metric ffmpeg is started with MALLOC_MMAP_MAX_=0 and a 1 GiB trim threshold, and scores the same', async () => {
    const envLog = path.join(dir, 'metric-env.txt');
    const wrapper = path.join(dir, 'ffmpeg-env-recorder');
    // A stand-in in front of the real ffmpeg: it records the variables it was started with, then runs it.
    writeFileSync(
      wrapper,
      `#!/bin/sh\nprintf 'MALLOC_MMAP_MAX_=%s MALLOC_TRIM_THRESHOLD_=%s\\n' "$MALLOC_MMAP_MAX_" "$MALLOC_TRIM_THRESHOLD_" >> '${envLog}'\nexec '${FFMPEG}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const layer = { width: 320, height: 180 };
    const ivf = await encode('env.ivf', layer, [
      '-c:v',
      'libvpx',
      '-b:v',
      '150k',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
    ]);
    const job = (command: string, name: string) =>
      runMetricJob({
        ffmpegPath: FFMPEG,
        bitstream: ivf,
        codec: 'vp8',
        decodedSize: layer,
        reference,
        entries: identity(30),
        size: REF,
        runner: { ...runner, command },
        workDir: path.join(dir, 'work', name),
      });
    const withEnv = await job(wrapper, 'env');
    expect(readFileSync(envLog, 'utf8').trim()).toBe('MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824');
    // The allocator changes where memory comes from, never a score: the pairing test above compares
    // simq's job (with the settings) with a direct ffmpeg run without them; here the stand-in changed nothing.
    expect(withEnv).toEqual(await job(FFMPEG, 'plain'));
  });

  it('a value the user set is left alone', () => {
    expect(metricMallocEnv({ MALLOC_MMAP_MAX_: '65536' })).toEqual({ MALLOC_TRIM_THRESHOLD_: '1073741824' });
    expect(metricMallocEnv({})).toEqual({ MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '1073741824' });
  });
});

describe('sanity by construction', () => {
  it('more bitrate, more VMAF: the same clip encoded at increasing bitrates', async () => {
    const means: number[] = [];
    for (const kbps of [60, 250, 1200]) {
      const ivf = await encode(`b${kbps}.ivf`, REF, [
        '-c:v',
        'libvpx',
        '-b:v',
        `${kbps}k`,
        '-minrate',
        `${kbps}k`,
        '-maxrate',
        `${kbps}k`,
        '-deadline',
        'good',
        '-cpu-used',
        '5',
      ]);
      const m = await runMetricJob({
        ffmpegPath: FFMPEG,
        bitstream: ivf,
        codec: 'vp8',
        decodedSize: REF,
        reference,
        entries: identity(reference.frameCount),
        size: REF,
        runner,
        workDir: path.join(dir, 'work', `b${kbps}`),
      });
      means.push(m.reduce((a, x) => a + x.vmaf!, 0) / m.length);
    }
    expect(means[1]).toBeGreaterThan(means[0]);
    expect(means[2]).toBeGreaterThan(means[1]);
  });

  it('a clip against itself: PSNR at the cap, VMAF near the model maximum', async () => {
    // Lossless H.264 (qp 0, 4:2:0) decodes to the reference bit for bit.
    const lossless = await encode('self.h264', REF, ['-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv420p'], 'h264');
    const m = await runMetricJob({
      ffmpegPath: FFMPEG,
      bitstream: lossless,
      codec: 'h264',
      decodedSize: REF,
      reference,
      entries: identity(reference.frameCount),
      size: REF,
      runner,
      workDir: path.join(dir, 'work', 'self'),
    });
    expect(m.every((x) => x.psnr_y === 100 && x.psnr_avg === 100)).toBe(true);
    expect(m.every((x) => x.ssim === 1)).toBe(true);
    const vmaf = m.reduce((a, x) => a + x.vmaf!, 0) / m.length;
    expect(vmaf).toBeGreaterThan(97);
  });
});
