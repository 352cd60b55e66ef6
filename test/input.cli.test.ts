// Input preparation with the real ffmpeg: probing clips, converting them to the reference Y4M
// (cached), random access to Y4M frames, and the errors for clips simq cannot use.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/errors.js';
import { clipCacheDir, prepareClip, prepareSettings } from '../src/input/prepareClip.js';
import { fpsToRational, parseInputListing, probeClip } from '../src/input/probeClip.js';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { packageRoot } from '../src/paths.js';
import { probeFfmpeg, type FfmpegInfo } from '../src/tools/ffmpeg.js';
import { FfmpegCommand } from '../src/tools/FfmpegArgs.js';
import { runProcess } from '../src/tools/process.js';
import type { Progress } from '../src/ui/progress.js';

let ffmpeg: FfmpegInfo;
let dir: string;
let cache: string;
const clips: Record<string, string> = {};

async function ffmpegRun(cmd: FfmpegCommand | string[]): Promise<Buffer> {
  const r = await runProcess(ffmpeg.path, Array.isArray(cmd) ? cmd : cmd.args(), { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return r.stdout;
}

/** A synthetic clip of known size, rate and length (testsrc2 draws a frame counter, so frames differ). */
async function makeClip(
  name: string,
  size: string,
  rate: string,
  seconds: number,
  codec?: string,
  codecArgs: [string, string][] = [],
): Promise<string> {
  const file = path.join(dir, name);
  await ffmpegRun(
    new FfmpegCommand()
      .overwrite()
      .input(`testsrc2=size=${size}:rate=${rate}`, { format: 'lavfi' })
      .output(file, { codec, codecArgs, pixFmt: 'yuv420p', durationS: seconds }),
  );
  return file;
}

/** The Y4M header read directly from the file (independent of Y4mFile), and its frame count. */
function y4mFacts(file: string): { width: number; height: number; rate: string; frames: number } {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(256);
  readSync(fd, head, 0, 256, 0);
  closeSync(fd);
  const line = head.subarray(0, head.indexOf(0x0a)).toString('latin1');
  const m = /^YUV4MPEG2 W(\d+) H(\d+) F(\d+:\d+) .*C420/.exec(line);
  if (!m) throw new Error(`not a 4:2:0 Y4M header: ${line}`);
  const [width, height] = [Number(m[1]), Number(m[2])];
  const frameBytes = 6 + width * height * 1.5;
  const body = statSync(file).size - (line.length + 1);
  expect(body % frameBytes).toBe(0);
  return { width, height, rate: m[3], frames: body / frameBytes };
}

/** Frames ffmpeg decodes from a clip (raw byte count / frame size). */
async function countFrames(file: string, width: number, height: number): Promise<number> {
  const raw = await ffmpegRun(
    new FfmpegCommand()
      .input(file)
      .output('-', { codec: 'rawvideo', pixFmt: 'gray', format: 'rawvideo', passthrough: true }),
  );
  return raw.length / (width * height);
}

function recordingProgress(): Progress & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    warnings,
    infos,
    info: (m) => infos.push(m),
    warn: (m) => warnings.push(m),
    update: () => undefined,
    done: () => undefined,
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  ffmpeg = await probeFfmpeg();
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-input-'));
  cache = path.join(dir, 'cache');
  clips.mp4 = await makeClip('clip.mp4', '320x240', '25', 2, 'libx264', [['-preset', 'ultrafast']]);
  clips.webm = await makeClip('clip.webm', '640x360', '30000/1001', 1, 'libvpx', [
    ['-deadline', 'realtime'],
    ['-cpu-used', '8'],
  ]);
  clips.mkv = await makeClip('clip.mkv', '1920x1080', '60', 0.5, 'libx264', [['-preset', 'ultrafast']]);
  clips.mkv43 = await makeClip('clip43.mkv', '1440x1080', '30', 0.2, 'libx264', [['-preset', 'ultrafast']]);
  clips.y4m = await makeClip('clip.y4m', '352x288', '15', 1);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('probeClip', () => {
  it('reads size, rate, duration and codec from ffmpeg for each container', async () => {
    const mp4 = await probeClip(clips.mp4, ffmpeg);
    expect(mp4).toMatchObject({ width: 320, height: 240, fps: 25, codec: 'h264', pixFmt: 'yuv420p' });
    expect(mp4.durationS).toBeCloseTo(2, 1);
    const webm = await probeClip(clips.webm, ffmpeg);
    expect(webm).toMatchObject({ width: 640, height: 360, codec: 'vp8', fpsRational: { num: 30000, den: 1001 } });
    const y4m = await probeClip(clips.y4m, ffmpeg);
    // A Y4M's frames are counted exactly; 1 s at 15 fps.
    expect(y4m).toMatchObject({ width: 352, height: 288, fps: 15, codec: 'rawvideo', frames: 15 });
  });

  it('parses the listing details that vary between clips', () => {
    const listing = parseInputListing(
      [
        "Input #0, matroska,webm, from 'phone.mkv':",
        '  Duration: 00:01:02.50, start: 0.000000, bitrate: 8000 kb/s',
        '    Stream #0:0(eng): Audio: aac (LC), 48000 Hz, stereo, fltp (default)',
        '    Stream #0:1(eng): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 29.97 fps, 29.97 tbr, 1k tbn, 59.94 tbc (default)',
        '    Metadata:',
        '      NUMBER_OF_FRAMES: 1873',
        '    Side data:',
        '      displaymatrix: rotation of -90.00 degrees',
        '    Stream #0:2: Video: mjpeg, yuvj420p(pc), 300x300, 90k tbr, 90k tbn (attached pic)',
      ].join('\n'),
    );
    expect(listing.container).toBe('matroska,webm');
    expect(listing.durationS).toBeCloseTo(62.5, 6);
    // The size is the "WxH" part, not the codec tag's hex number; commas inside (...) do not split.
    expect(listing.video).toEqual({
      codec: 'h264',
      pixFmt: 'yuv420p',
      width: 1920,
      height: 1080,
      fps: 29.97,
      frames: 1873,
      rotation: 270,
    });
    expect(listing.otherStreams).toEqual(['Audio: aac (LC)', 'Video: mjpeg']);
    expect(fpsToRational(29.97)).toEqual({ num: 30000, den: 1001 });
    expect(fpsToRational(23.98)).toEqual({ num: 24000, den: 1001 });
    expect(fpsToRational(12.5)).toEqual({ num: 25, den: 2 });
  });
});

describe('prepareClip', () => {
  it.each([
    ['mp4', 320, 240, '25:1'],
    ['y4m', 352, 288, '15:1'],
  ])(
    'converts the %s clip to a 4:2:0 Y4M at its own size and rate, every frame kept',
    async (kind, width, height, rate) => {
      const ref = await prepareClip(clips[kind], { ffmpeg, cacheDir: cache });
      const facts = y4mFacts(ref.y4m);
      expect(facts).toMatchObject({ width, height, rate });
      expect(facts.frames).toBe(await countFrames(clips[kind], width, height));
      expect(ref).toMatchObject({
        source: clips[kind],
        width,
        height,
        frames: facts.frames,
        sourceSha256: sha256(clips[kind]),
      });
      expect(ref.y4m.startsWith(cache)).toBe(true);
    },
  );

  it('gives a 29.97 fps clip a whole-number rate (Chromium reads F30000:1001 as 29 fps)', async () => {
    const ref = await prepareClip(clips.webm, { ffmpeg, cacheDir: cache });
    const facts = y4mFacts(ref.y4m);
    expect(facts).toMatchObject({ width: 640, height: 360, rate: '30:1' });
    // The source is 30 frames at 30000/1001 fps (1.001 s); at 30 fps that is 30 frames, +-1 at the ends.
    const source = await countFrames(clips.webm, 640, 360);
    expect(Math.abs(facts.frames - Math.round((source * 1001) / 1000))).toBeLessThanOrEqual(1);
    expect(ref.fps).toBe(30);
  });

  it('caps a 1920x1080 60 fps clip at 1280x720 and 30 fps, and a 4:3 clip keeps its aspect ratio', async () => {
    const ref = await prepareClip(clips.mkv, { ffmpeg, cacheDir: cache });
    // 0.5 s at 60 fps = 30 source frames -> 15 frames at 30 fps.
    expect(y4mFacts(ref.y4m)).toEqual({ width: 1280, height: 720, rate: '30:1', frames: 15 });
    const ref43 = await prepareClip(clips.mkv43, { ffmpeg, cacheDir: cache });
    // 1440x1080 is 4:3; the height cap (720) gives 960 wide.
    expect(y4mFacts(ref43.y4m)).toMatchObject({ width: 960, height: 720, rate: '30:1' });
  });

  it('reuses the cached Y4M on a second call without running ffmpeg again', async () => {
    const first = await prepareClip(clips.mp4, { ffmpeg, cacheDir: cache, size: { width: 160, height: 120 } });
    const before = statSync(first.y4m);
    const progress = recordingProgress();
    const second = await prepareClip(clips.mp4, {
      ffmpeg,
      cacheDir: cache,
      size: { width: 160, height: 120 },
      progress,
    });
    expect(second).toEqual(first);
    const after = statSync(first.y4m);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(progress.infos.join('\n')).toMatch(/using the prepared/);
    // A copy of the clip under another name has the same content hash: same cache entry.
    const copy = path.join(dir, 'copy-of-clip.mp4');
    copyFileSync(clips.mp4, copy);
    const third = await prepareClip(copy, {
      ffmpeg,
      cacheDir: path.join(dir, 'cache-copy'),
      size: { width: 160, height: 120 },
    });
    expect(third.sourceSha256).toBe(first.sourceSha256);
  });

  it('honours --size, --fps and --duration, and its preparedWith rebuilds the same file', async () => {
    const ref = await prepareClip(clips.mp4, {
      ffmpeg,
      cacheDir: cache,
      size: { width: 160, height: 96 },
      fps: 10,
      durationS: 1,
    });
    expect(y4mFacts(ref.y4m)).toEqual({ width: 160, height: 96, rate: '10:1', frames: 10 });
    expect(ref.fps).toBe(10);
    const hash = sha256(ref.y4m);
    rmSync(ref.y4m);
    await ffmpegRun(ref.preparedWith);
    expect(sha256(ref.y4m)).toBe(hash);
  });

  it('uses the whole clip, with a warning, when --duration is longer than the clip', async () => {
    const progress = recordingProgress();
    const ref = await prepareClip(clips.y4m, { ffmpeg, cacheDir: cache, durationS: 5, progress });
    expect(ref.frames).toBe(15);
    expect(progress.warnings.join('\n')).toMatch(/--duration 5 s is longer than .*clip\.y4m \(1 s\)/);
  });

  it('rejects sizes 4:2:0 cannot hold, rates the fake camera cannot play and non-positive durations, with exit code 2', async () => {
    const bad = [
      [{ size: { width: 161, height: 120 } }, /--size 161x120: .*even.*4:2:0/],
      [{ size: { width: 0, height: 120 } }, /--size 0x120/],
      [{ fps: 0 }, /--fps 0: .*whole number/],
      [{ fps: 29.97 }, /--fps 29.97: .*would play at 29 fps/],
      [{ fps: Number.NaN }, /--fps NaN/],
      [{ durationS: -1 }, /--duration -1: .*above 0/],
    ] as const;
    for (const [opts, message] of bad) {
      await expect(prepareClip(clips.mp4, { ffmpeg, cacheDir: cache, ...opts })).rejects.toSatisfy(
        (e: unknown) => e instanceof InputError && e.exitCode === ExitCode.badInput && message.test(e.message),
      );
    }
  });

  it('finds its cache folder from SIMQ_CACHE_DIR, then XDG_CACHE_HOME, then HOME', () => {
    expect(clipCacheDir({ SIMQ_CACHE_DIR: '/c/simq' })).toBe('/c/simq/clips');
    expect(clipCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/simq/clips');
    expect(clipCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/simq/clips');
  });

  it('rounds capped sizes to even numbers', () => {
    const clip = { path: '/c.mp4', width: 1080, height: 1920, fps: 60, durationS: 3 } as Parameters<
      typeof prepareSettings
    >[0];
    // Portrait 1080x1920: the height cap gives 405 wide, which 4:2:0 needs even.
    expect(prepareSettings(clip, {})).toMatchObject({ width: 406, height: 720, fps: 30 });
  });
});

describe('the camera tail (the fake camera must not wrap inside the measured window)', () => {
  /** Every frame of a clip as ffmpeg decodes it, independently of prepareClip. */
  async function decodeAll(file: string, frameBytes: number): Promise<Buffer[]> {
    const raw = await ffmpegRun(
      new FfmpegCommand()
        .input(file)
        .output('-', { codec: 'rawvideo', pixFmt: 'yuv420p', format: 'rawvideo', passthrough: true }),
    );
    return Array.from({ length: raw.length / frameBytes }, (_, k) =>
      raw.subarray(k * frameBytes, (k + 1) * frameBytes),
    );
  }

  function framesOf(file: string): Buffer[] {
    const y4m = Y4mFile.open(file);
    try {
      return Array.from({ length: y4m.frameCount }, (_, k) => y4m.readFrame(k));
    } finally {
      y4m.close();
    }
  }

  it("goes on with the clip's next frames when it has them, else plays its last frames backwards, and preparedWith rebuilds both", async () => {
    const clip = await decodeAll(clips.mp4, 320 * 240 * 1.5); // 2 s at 25 fps
    expect(clip.length).toBe(50);
    const same = (a: Buffer, b: Buffer) => a.equals(b);

    // 1 s used + 0.4 s of tail: the clip's frames 0-34, in order.
    const cont = await prepareClip(clips.mp4, { ffmpeg, cacheDir: cache, durationS: 1, tailS: 0.4 });
    expect(cont.tail).toEqual({ kind: 'continuation', frames: 10 });
    const contFrames = framesOf(cont.y4m);
    expect(contFrames.length).toBe(35);
    contFrames.forEach((f, k) => expect(same(f, clip[k]), `continuation frame ${k}`).toBe(true));

    // The whole clip + 0.4 s: frames 0-49, then 48, 47, ..., 39 (no frame shown twice at the turn).
    const mirror = await prepareClip(clips.mp4, { ffmpeg, cacheDir: cache, tailS: 0.4 });
    expect(mirror.tail).toEqual({ kind: 'mirror', frames: 10 });
    const mirrorFrames = framesOf(mirror.y4m);
    expect(mirrorFrames.length).toBe(60);
    mirrorFrames.forEach((f, k) => expect(same(f, clip[k < 50 ? k : 98 - k]), `mirror frame ${k}`).toBe(true));

    // A tail longer than the clip holds at most its other frames (1 s at 15 fps: 14).
    const short = await prepareClip(clips.y4m, { ffmpeg, cacheDir: cache, tailS: 8 });
    expect([short.tail, short.frames]).toEqual([{ kind: 'mirror', frames: 14 }, 29]);

    for (const ref of [cont, mirror]) {
      const hash = sha256(ref.y4m);
      rmSync(ref.y4m);
      await ffmpegRun(ref.preparedWith);
      expect(sha256(ref.y4m), `${ref.tail!.kind} rebuilt from preparedWith`).toBe(hash);
    }
  });
});

describe('Y4mFile', () => {
  /** Frame k as ffmpeg extracts it: select the k-th frame, raw yuv420p. */
  async function ffmpegFrame(file: string, k: number): Promise<Buffer> {
    return ffmpegRun(
      new FfmpegCommand().input(file).filterComplex(`[0:v]select=eq(n\\,${k})[v]`).output('-', {
        map: '[v]',
        codec: 'rawvideo',
        pixFmt: 'yuv420p',
        format: 'rawvideo',
        frames: 1,
        passthrough: true,
      }),
    );
  }

  it('reads the same frames as ffmpeg does', async () => {
    const ref = await prepareClip(clips.mp4, { ffmpeg, cacheDir: cache });
    const y4m = Y4mFile.open(ref.y4m);
    try {
      expect([y4m.width, y4m.height, y4m.fps, y4m.frameCount]).toEqual([320, 240, 25, 50]);
      const into = Buffer.alloc(y4m.frameBytes);
      for (const k of [0, 1, 17, 49]) {
        const expected = await ffmpegFrame(ref.y4m, k);
        expect(expected.length).toBe(320 * 240 * 1.5);
        expect(y4m.readFrame(k).equals(expected), `frame ${k}`).toBe(true);
        expect(y4m.readFrame(k, into).equals(expected), `frame ${k} into a buffer`).toBe(true);
      }
      // Neighbouring frames differ (testsrc2 animates), so a wrong offset could not pass.
      expect(y4m.readFrame(17).equals(y4m.readFrame(18))).toBe(false);
      expect(() => y4m.readFrame(50)).toThrow(/frame 50 does not exist \(the file has 50 frames\)/);
    } finally {
      y4m.close();
    }
  });

  it('handles odd sizes, per-frame parameters and a truncated last frame', async () => {
    // Odd size: chroma planes are ceil(w/2) x ceil(h/2).
    const odd = path.join(dir, 'odd.y4m');
    await ffmpegRun(
      new FfmpegCommand()
        .overwrite()
        .input('testsrc2=size=320x240:rate=10', { format: 'lavfi' })
        .filterComplex('[0:v]scale=321:241[v]')
        .output(odd, { map: '[v]', pixFmt: 'yuv420p', frames: 5, format: 'yuv4mpegpipe' }),
    );
    const oddFile = Y4mFile.open(odd);
    expect([oddFile.frameCount, oddFile.frameBytes]).toEqual([5, 321 * 241 + 2 * 161 * 121]);
    expect(oddFile.readFrame(3).equals(await ffmpegFrame(odd, 3))).toBe(true);
    oddFile.close();

    // Rewrite the mp4's Y4M with parameters on some frame headers (allowed by the format) and a
    // truncated frame at the end: offsets can no longer be computed, they must be scanned.
    const ref = await prepareClip(clips.mp4, { ffmpeg, cacheDir: cache });
    const plain = Y4mFile.open(ref.y4m);
    const header = readFileSync(ref.y4m).subarray(0, plain.dataOffset(0) - 'FRAME\n'.length);
    const parts: Buffer[] = [header];
    for (let k = 0; k < 6; k++) {
      parts.push(Buffer.from(k % 2 ? `FRAME Ip XFRAME=${k}\n` : 'FRAME\n', 'latin1'), plain.readFrame(k));
    }
    parts.push(Buffer.from('FRAME\n'), plain.readFrame(6).subarray(0, 1000));
    const withParams = path.join(dir, 'params.y4m');
    writeFileSync(withParams, Buffer.concat(parts));
    const scanned = Y4mFile.open(withParams);
    expect(scanned.frameCount).toBe(6);
    for (let k = 0; k < 6; k++) expect(scanned.readFrame(k).equals(plain.readFrame(k)), `frame ${k}`).toBe(true);
    scanned.close();
    plain.close();
  });

  it('refuses Y4M files that are not 8-bit 4:2:0', () => {
    const y444 = path.join(dir, 'c444.y4m');
    writeFileSync(
      y444,
      Buffer.concat([Buffer.from('YUV4MPEG2 W64 H48 F10:1 Ip C444\nFRAME\n'), Buffer.alloc(64 * 48 * 3)]),
    );
    expect(() => Y4mFile.open(y444)).toThrow(/C444.*not 8-bit 4:2:0/);
    const text = path.join(dir, 'fake.y4m');
    writeFileSync(text, 'hello\n');
    expect(() => Y4mFile.open(text)).toThrow(/not a Y4M file/);
  });
});

describe('clips simq cannot use: clear message, exit code 2', () => {
  async function rejection(file: string): Promise<InputError> {
    try {
      await prepareClip(file, { ffmpeg, cacheDir: cache });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).exitCode).toBe(ExitCode.badInput);
      expect((e as InputError).message).toContain(path.resolve(file));
      return e as InputError;
    }
    throw new Error(`${file} was accepted`);
  }

  it('a missing file, a directory, an empty file', async () => {
    expect((await rejection(path.join(dir, 'nope.mp4'))).message).toMatch(/no such file/);
    const folder = path.join(dir, 'folder.mp4');
    mkdirSync(folder);
    expect((await rejection(folder)).message).toMatch(/is a directory/);
    const empty = path.join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    expect((await rejection(empty)).message).toMatch(/is empty/);
  });

  it('a file that is not media, a text file, audio only, a still image', async () => {
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const e1 = await rejection(junk);
    expect(e1.message).toMatch(/not a media file ffmpeg can read/);
    expect(e1.fix).toMatch(/mp4, webm, mkv, y4m/);

    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'these are notes, not a video\n');
    expect((await rejection(text)).message).toMatch(/is a text file/);

    const audio = path.join(dir, 'tone.m4a');
    await ffmpegRun([
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=0.5',
      '-y',
      audio,
    ]);
    expect((await rejection(audio)).message).toMatch(/has no video stream: it has Audio: aac/);

    const png = path.join(dir, 'still.png');
    await ffmpegRun(
      new FfmpegCommand().overwrite().input('testsrc2=size=64x48', { format: 'lavfi' }).output(png, { frames: 1 }),
    );
    expect((await rejection(png)).message).toMatch(/is a still image/);
  });

  it('a file the user may not read', async (ctx) => {
    const locked = path.join(dir, 'locked.mp4');
    copyFileSync(clips.mp4, locked);
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) {
      expect((await rejection(locked)).message).toMatch(/cannot be read \(permission denied\)/);
      return;
    }
    // root reads any file: check as an unprivileged user (nobody) in a child process, against dist/.
    chmodSync(dir, 0o755);
    const probe = path.join(packageRoot(), 'dist', 'input', 'probeClip.js');
    // The unprivileged child must be able to load simq itself: not so in a checkout under a private
    // (0700) folder such as one made by mktemp. Then this case cannot be shown here.
    const reachable = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(probe)})`], {
      uid: 65534,
      gid: 65534,
    });
    if (reachable.status !== 0) {
      console.warn(
        `SKIPPED: the unprivileged user (nobody) cannot read ${probe} (a checkout under a private folder); the root-only clip check cannot be shown here`,
      );
      return ctx.skip();
    }
    const script = `import(${JSON.stringify(probe)}).then(async (m) => { try { await m.probeClip(${JSON.stringify(locked)}, { path: 'ffmpeg' }); console.log('accepted'); } catch (e) { console.log(JSON.stringify({ name: e.name, exitCode: e.exitCode, message: e.message })); } });`;
    const r = spawnSync(process.execPath, ['-e', script], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const out = JSON.parse(r.stdout.trim()) as { name: string; exitCode: number; message: string };
    expect(out).toMatchObject({ name: 'InputError', exitCode: ExitCode.badInput });
    expect(out.message).toBe(`clip ${locked} cannot be read (permission denied)`);
  });
});
