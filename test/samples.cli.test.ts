// The sample set, generated for real with the packaged ffmpeg (1 s each to keep the test short).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRecipes } from '../src/commands/samples.js';
import { ExitCode, InputError } from '../src/errors.js';
import { probeClip } from '../src/input/probeClip.js';
import {
  ensureSample,
  findRecipe,
  generateSample,
  RECIPES,
  samplePath,
  SAMPLE_FPS,
  SAMPLE_HEIGHT,
  SAMPLE_WIDTH,
} from '../src/samples/recipes.js';
import { probeFfmpeg, type FfmpegInfo } from '../src/tools/ffmpeg.js';
import { FfmpegCommand, filterValue } from '../src/tools/FfmpegArgs.js';
import { runProcess } from '../src/tools/process.js';

const DURATION_S = 1;
let ffmpeg: FfmpegInfo;
let root: string;
let dirA: string;
let dirB: string;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function ffmpegRun(cmd: FfmpegCommand): Promise<Buffer> {
  const r = await runProcess(ffmpeg.path, cmd.args(), { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return r.stdout;
}

interface Decoded {
  /** Frames decoded (tblend emits one difference per frame after the first). */
  frames: number;
  /** Mean absolute luma difference between frame k and frame k-1, keyed by k. */
  diff: Map<number, number>;
}

const decoded = new Map<string, Promise<Decoded>>();

/** Decodes a clip once and measures how much each frame differs from the one before it. */
function decode(file: string): Promise<Decoded> {
  let p = decoded.get(file);
  if (!p) {
    p = temporalDifference(file);
    decoded.set(file, p);
  }
  return p;
}

async function temporalDifference(file: string): Promise<Decoded> {
  const log = path.join(root, `${path.basename(path.dirname(file))}-${path.basename(file)}.diff.txt`);
  await ffmpegRun(
    new FfmpegCommand()
      .input(file)
      .filterComplex(
        `[0:v]tblend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${filterValue(log)}[v]`,
      )
      .output('-', { map: '[v]', format: 'null', passthrough: true }),
  );
  // Lines: "frame:N pts:P pts_time:T" then "lavfi.signalstats.YAVG=V"; T is the later frame's time.
  const diff = new Map<number, number>();
  let index = -1;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const t = /pts_time:([\d.]+)/.exec(line);
    if (t) index = Math.round(Number(t[1]) * SAMPLE_FPS);
    const v = /YAVG=([\d.eE+-]+)/.exec(line);
    if (v) diff.set(index, Number(v[1]));
  }
  return { frames: diff.size + 1, diff };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

beforeAll(async () => {
  ffmpeg = await probeFfmpeg();
  root = mkdtempSync(path.join(os.tmpdir(), 'simq-samples-'));
  dirA = path.join(root, 'a');
  dirB = path.join(root, 'b');
  // Two independent generations of the whole set: the second one is the determinism check.
  for (const dir of [dirA, dirB]) {
    for (const r of RECIPES) await generateSample(r.name, { ffmpeg, dir, durationS: DURATION_S });
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('simq samples', () => {
  it('has the content classes with the contentHint a real app would set', () => {
    expect(RECIPES.map((r) => r.name)).toEqual(['camera', 'motion', 'screen', 'conference']);
    expect(findRecipe('conference')!.contentHint).toBe('');
    expect(findRecipe('camera')!.contentHint).toBe('');
    expect(findRecipe('motion')!.contentHint).toBe('motion');
    expect(findRecipe('screen')!.contentHint).toBe('text');
    for (const r of RECIPES) {
      const graph = r.graph({ width: SAMPLE_WIDTH, height: SAMPLE_HEIGHT, fps: SAMPLE_FPS, durationS: 10 });
      // Machine-independent pixels: no drawtext (fonts) and no geq random().
      expect(graph).not.toMatch(/drawtext|random\(/);
      // One argument on the command line: Linux caps a single argument at 128 KiB.
      expect(graph.length).toBeLessThan(100_000);
    }
  });

  it.each(RECIPES.map((r) => r.name))('%s is 1280x720, 30 fps, with the frames of its duration', async (name) => {
    const file = samplePath(name, dirA);
    const info = await probeClip(file, ffmpeg);
    expect([info.width, info.height]).toEqual([1280, 720]);
    expect(info.fps).toBe(30);
    expect(info.codec).toBe('h264');
    expect(info.pixFmt).toBe('yuv420p');
    expect((await decode(file)).frames).toBe(DURATION_S * 30);
  });

  it('is deterministic: a second generation gives the same bytes', () => {
    for (const r of RECIPES) {
      expect(sha256(samplePath(r.name, dirB)), r.name).toBe(sha256(samplePath(r.name, dirA)));
    }
  });

  it('the classes differ as built: screen is static but for its slide change, motion changes most', async () => {
    const diff = new Map<string, Map<number, number>>();
    for (const r of RECIPES) diff.set(r.name, (await decode(samplePath(r.name, dirA))).diff);
    const values = (name: string) => [...diff.get(name)!.values()];
    const camera = mean(values('camera'));
    const motion = mean(values('motion'));
    // Screen content: almost every frame repeats the previous one (ticking box and cursor are tiny) ...
    expect(median(values('screen'))).toBeLessThan(camera / 100);
    // Conference: the slide holds still but the webcam inset moves on every frame (pairing must be
    // decided there), far less change than the full-frame camera.
    expect(Math.min(...values('conference'))).toBeGreaterThan(0);
    expect(median(values('conference'))).toBeLessThan(camera / 4);
    // ... and the single biggest change is the slide change, at half the duration.
    const screen = diff.get('screen')!;
    const biggest = [...screen.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(biggest[0]).toBe((DURATION_S / 2) * SAMPLE_FPS);
    // The camera moves (slow pan, zoom, grain) on every frame; motion pans many times faster.
    expect(Math.min(...values('camera'))).toBeGreaterThan(median(values('screen')) + 1);
    expect(motion).toBeGreaterThan(1.5 * camera);
  });

  it('keeps an existing sample unless forced; ensureSample generates a missing one', async () => {
    const existing = samplePath('screen', dirA);
    const before = statSync(existing).mtimeMs;
    const kept = await generateSample('screen', { ffmpeg, dir: dirA, durationS: DURATION_S });
    expect(kept.generated).toBe(false);
    expect(await ensureSample('screen', { ffmpeg, dir: dirA })).toBe(existing);
    expect(statSync(existing).mtimeMs).toBe(before);

    const fresh = path.join(root, 'fresh');
    const made = await ensureSample('screen', { ffmpeg, dir: fresh, durationS: 1 });
    expect(made).toBe(samplePath('screen', fresh));
    expect(existsSync(made)).toBe(true);
    expect((await decode(made)).frames).toBe(30);

    const forced = await generateSample('screen', { ffmpeg, dir: fresh, durationS: 1, force: true });
    expect(forced.generated).toBe(true);
    expect(sha256(forced.path)).toBe(sha256(made));
  });

  it('rejects unknown sample names and bad durations with exit code 2', async () => {
    await expect(generateSample('cats', { ffmpeg, dir: root })).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof InputError &&
        e.exitCode === ExitCode.badInput &&
        /unknown sample "cats".*camera, motion, screen, conference/.test(e.message),
    );
    await expect(generateSample('camera', { ffmpeg, dir: path.join(root, 'none'), durationS: 0 })).rejects.toSatisfy(
      (e: unknown) => e instanceof InputError && /duration 0/.test(e.message),
    );
    expect(() => selectRecipes('camera,dogs')).toThrow(/unknown sample "dogs"/);
    expect(selectRecipes('screen, camera')).toEqual(['screen', 'camera']);
  });
});
