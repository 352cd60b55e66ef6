// The sample set: synthetic clips made only from ffmpeg's own sources (lavfi), so anyone can
// regenerate exactly the same pixels without downloading media. Three content classes that
// stress a video encoder in different ways:
//   camera  detailed texture that moves slowly, with sensor-like grain (camera-like; harder than a talking head)
//   motion  detailed content under fast pans and rotation, plus an object moving on its own
//   screen  slides: sharp edges and text-like glyphs, static except a slide change and a ticking box
// Each recipe's contentHint is the MediaStreamTrack.contentHint a real app would set for it.
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, InputError, OutputError, SimqError } from '../errors.js';
import { tempPathFor } from '../io/atomicWrite.js';
import { interruptedBy } from '../signals.js';
import { packageRoot, simqCacheDir } from '../paths.js';
import type { ContentHint } from '../scenario/ScenarioTypes.js';
import type { FfmpegInfo } from '../tools/ffmpeg.js';
import { FfmpegCommand } from '../tools/FfmpegArgs.js';
import { runProcess, tail } from '../tools/process.js';
import type { Progress } from '../ui/progress.js';
import { Graph, groundTexture } from './procedural.js';
import { codeEditorSlide, presentationSlide } from './slides.js';

export const SAMPLE_WIDTH = 1280;
export const SAMPLE_HEIGHT = 720;
export const SAMPLE_FPS = 30;
export const DEFAULT_SAMPLE_DURATION_S = 10;
/** What `simq analyze` uses when no clip is given. */
export const DEFAULT_SAMPLE = 'camera';

export interface SampleParams {
  width: number;
  height: number;
  fps: number;
  durationS: number;
}

export interface Recipe {
  name: string;
  description: string;
  contentHint: ContentHint;
  /** The lavfi filter graph (no inputs); its output pad is [out]. */
  graph(p: SampleParams): string;
}

/** Frames a sample of this duration has. */
export function sampleFrameCount(p: Pick<SampleParams, 'fps' | 'durationS'>): number {
  return Math.max(1, Math.round(p.durationS * p.fps));
}

const camera: Recipe = {
  name: 'camera',
  description:
    'Camera-like: textured ground with pebbles (fractal noise, hard-edged blobs), a slow pan (at most ~2 px/frame), ' +
    'a slow zoom-in (1.3x over 10 s) and light temporal grain.',
  contentHint: '',
  graph(p) {
    const g = new Graph();
    // Texture at twice the output size; the view spans 1.15-1.5 texture pixels per output pixel, so the
    // picture is always downscaled (sharp, like a camera), never magnified.
    const tw = p.width * 2;
    const th = p.height * 2;
    groundTexture(
      g,
      { width: tw, height: th, fps: p.fps, seed: 0, cbSlope: -0.35, cbOffset: -14, crSlope: 0.25, crOffset: -4, stoneCb: 118, stoneCr: 140, stoneThreshold: 180 },
      '[tex]',
    );
    // View in texture pixels: centre (cx, cy), half size (hw, hh) = output half size * scale s.
    // s goes from 1.5 down to 1.15 (zoom in); the pan amplitude keeps every corner inside the texture.
    const maxScale = 1.5;
    const view = (frame: string) => {
      const t = `(${frame}/${p.fps})`;
      return {
        s: `(${maxScale}-0.35*(1-cos(2*PI*${t}/20))/2)`,
        cx: `(${tw / 2}+300*sin(2*PI*${t}/24))`,
        cy: `(${th / 2}+80*sin(2*PI*${t}/17))`,
      };
    };
    // perspective works on (and outputs) its whole input, so a window just larger than the largest
    // view is cropped around the centre first. Both must agree on the frame index: crop's n counts
    // from 0, perspective's in from 1 (vf_perspective sets it to frame_count_out + 1).
    const cw = 2 * Math.ceil((p.width / 2) * maxScale) + 4;
    const ch = 2 * Math.ceil((p.height / 2) * maxScale) + 4;
    // Even offsets: crop rounds x and y down to even values on 4:2:0 input (whole chroma samples).
    const cropX = (frame: string) => `clip(2*floor((${view(frame).cx}-${cw / 2})/2),0,${tw - cw})`;
    const cropY = (frame: string) => `clip(2*floor((${view(frame).cy}-${ch / 2})/2),0,${th - ch})`;
    const frame = '(in-1)';
    const v = view(frame);
    const x = (sign: string) => `${v.cx}${sign}${p.width / 2}*${v.s}-${cropX(frame)}`;
    const y = (sign: string) => `${v.cy}${sign}${p.height / 2}*${v.s}-${cropY(frame)}`;
    // perspective (eval=frame) maps the four view corners to the output corners with bilinear
    // interpolation: sub-pixel, smooth motion like a real camera (zoompan rounds to whole pixels).
    g.add(
      `[tex]loop=loop=-1:size=1,setpts=N/(${p.fps}*TB),` +
        `crop=w=${cw}:h=${ch}:x='${cropX('n')}':y='${cropY('n')}',` +
        `perspective=x0='${x('-')}':y0='${y('-')}':x1='${x('+')}':y1='${y('-')}':` +
        `x2='${x('-')}':y2='${y('+')}':x3='${x('+')}':y3='${y('+')}':eval=frame,` +
        `scale=${p.width}:${p.height},noise=c0s=5:c0f=t+u:all_seed=7,format=yuv420p[out]`,
    );
    return g.text();
  },
};

const motion: Recipe = {
  name: 'motion',
  description:
    'High motion: a detailed texture swept by fast pans (up to ~60 px/frame) while rotating (~45 deg/s on average), ' +
    'with a spinning test pattern crossing the frame on its own path.',
  contentHint: 'motion',
  graph(p) {
    const g = new Graph();
    const tw = Math.round(p.width * 2.5);
    const th = Math.round(p.height * 2.5);
    groundTexture(
      g,
      { width: tw, height: th, fps: p.fps, seed: 1000, cbSlope: 0.3, cbOffset: 6, crSlope: -0.2, crOffset: 10, stoneCb: 150, stoneCr: 112, stoneThreshold: 170 },
      '[tex]',
    );
    // A square window that contains the output frame at any angle moves fast over the texture;
    // rotate turns it and keeps the centred output-size part.
    const side = 2 * Math.ceil(Math.hypot(p.width, p.height) / 2);
    const panX = Math.floor((tw - side) / 2) - 10;
    const panY = Math.floor((th - side) / 2) - 10;
    g.add(
      `[tex]loop=loop=-1:size=1,setpts=N/(${p.fps}*TB),` +
        `crop=w=${side}:h=${side}:x='${(tw - side) / 2}+${panX}*sin(2*PI*t/3)':y='${(th - side) / 2}+${panY}*sin(2*PI*t/2.3)',` +
        `rotate=a='0.8*t+0.4*sin(2*PI*t/2.7)':ow=${p.width}:oh=${p.height}[bg]`,
    );
    // testsrc2 draws its own moving parts and a frame counter with a built-in bitmap font.
    g.add(`testsrc2=s=480x270:r=${p.fps},format=yuva420p,rotate=a='-1.9*t':ow=hypot(iw\\,ih):oh=ow:c=black@0[fg]`);
    g.add(
      `[bg][fg]overlay=x='(W-w)/2+(W-w)/2*sin(2*PI*t/1.9)':y='(H-h)/2+(H-h)/2*sin(2*PI*t/1.3)':eval=frame:format=yuv420,` +
        `format=yuv420p[out]`,
    );
    return g.text();
  },
};

const screen: Recipe = {
  name: 'screen',
  description:
    'Screen content: a light slide (title, bullet text, bar chart) that changes halfway to a dark code editor; ' +
    'pixel-sharp pseudo-text glyphs, a box whose digits tick every second and a blinking cursor.',
  contentHint: 'text',
  graph(p) {
    const g = new Graph();
    const a = presentationSlide(g, p);
    const b = codeEditorSlide(g, p);
    const changeAt = p.durationS / 2;
    g.add(`${a}${b}overlay=x=0:y=0:format=yuv444:enable='gte(t,${changeAt})',format=yuv420p[out]`);
    return g.text();
  },
};

// A video call with a shared screen: the presentation slide (static but for a ticking box and a
// blinking cursor) with a small "webcam" inset in a corner whose picture moves on every frame. Most
// of the picture is identical from one frame to the next and the inset is 6% of it: neighbouring
// source frames differ only there, which is where frame pairing has to be decided by content.
const conference: Recipe = {
  name: 'conference',
  description:
    'Screen share with a webcam inset: the presentation slide (static but for a ticking box and a cursor) and a ' +
    '320x180 camera-like inset at the bottom right whose textured picture pans and sways on every frame.',
  // Sent as a camera track, as a call app sends a composited screen-and-webcam stream.
  contentHint: '',
  graph(p) {
    const g = new Graph();
    const slide = presentationSlide(g, p);
    const iw = Math.round(p.width / 4 / 2) * 2;
    const ih = Math.round(p.height / 4 / 2) * 2;
    const tw = iw * 3;
    const th = ih * 3;
    groundTexture(
      g,
      { width: tw, height: th, fps: p.fps, seed: 2000, cbSlope: -0.3, cbOffset: -8, crSlope: 0.3, crOffset: 6, stoneCb: 120, stoneCr: 150, stoneThreshold: 175 },
      '[camtex]',
    );
    // The inset's view moves by 3-6 px a frame (a person moving in front of a webcam), with grain.
    g.add(
      `[camtex]loop=loop=-1:size=1,setpts=N/(${p.fps}*TB),` +
        `crop=w=${iw * 2}:h=${ih * 2}:x='${iw / 2}+${iw / 2}*sin(2*PI*t/3.1)':y='${ih / 2}+${ih / 2}*sin(2*PI*t/2.3)',` +
        `scale=${iw}:${ih}:flags=area,noise=c0s=4:c0f=t+u:all_seed=11,format=yuv420p[cam]`,
    );
    g.add(`${slide}[cam]overlay=x=${p.width - iw - 24}:y=${p.height - ih - 48}:format=yuv420,format=yuv420p[out]`);
    return g.text();
  },
};

export const RECIPES: readonly Recipe[] = [camera, motion, screen, conference];

export function findRecipe(name: string): Recipe | undefined {
  return RECIPES.find((r) => r.name === name);
}

// ---- Generating the sample files ----

export interface SampleOptions {
  ffmpeg: FfmpegInfo;
  /** Folder of the samples; default the package's samples/ (not the working directory). */
  dir?: string;
  durationS?: number;
  /** Regenerate even when the file exists. */
  force?: boolean;
  progress?: Progress;
  /** Ctrl-C / SIGTERM / SIGHUP: ffmpeg is stopped and its temporary file removed. */
  signal?: AbortSignal;
}

export interface SampleResult {
  name: string;
  path: string;
  /** False when an existing file was kept. */
  generated: boolean;
  seconds: number;
}

// Near-lossless so the samples are good references: about 43 dB PSNR against the generated frames
// for camera and motion (grain and pixel-level texture), 59 dB for screen; 14 / 32 / 0.2 MB per 10 s.
// veryfast at CRF 12 gave about the same quality per byte as medium at CRF 14 here, 2-3x faster. One encoder thread: x264's output depends on its thread count, which would
// otherwise follow the machine's cores; with a fixed count the same ffmpeg gives the same bytes.
const X264_ARGS: [string, string][] = [
  ['-preset', 'veryfast'],
  ['-crf', '12'],
  ['-threads', '1'],
];

/**
 * samples/ of a checkout; for an installed package (inside node_modules, maybe root-owned) the
 * user's cache, ~/.cache/simq/samples.
 */
export function defaultSampleDir(): string {
  const root = packageRoot();
  return root.split(path.sep).includes('node_modules') ? simqCacheDir('samples') : path.join(root, 'samples');
}

export function samplePath(name: string, dir: string = defaultSampleDir()): string {
  return path.join(dir, `${name}.mp4`);
}

export function recipeNames(): string[] {
  return RECIPES.map((r) => r.name);
}

function recipeOrThrow(name: string): Recipe {
  const recipe = findRecipe(name);
  if (!recipe) throw new InputError(`unknown sample "${name}": the samples are ${recipeNames().join(', ')}`, `simq samples --only ${recipeNames().join(',')}`);
  return recipe;
}

/** The ffmpeg arguments that write one sample (to `target`). */
export function sampleArgs(recipe: Recipe, params: SampleParams, target: string): string[] {
  return new FfmpegCommand()
    .overwrite()
    .filterComplex(recipe.graph(params))
    .output(target, {
      map: '[out]',
      codec: 'libx264',
      codecArgs: [...X264_ARGS, ['-metadata', `comment=simq sample ${recipe.name}: ${params.width}x${params.height} ${params.fps} fps ${params.durationS} s`]],
      pixFmt: 'yuv420p',
      fps: params.fps,
      frames: sampleFrameCount(params),
      format: 'mp4',
    })
    .args();
}

function checkDuration(durationS: number): void {
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) {
    throw new InputError(`--duration ${durationS}: a sample lasts more than 0 and at most 600 seconds`, 'simq samples --duration 10');
  }
}

/** Writes one sample (unless it exists and force is not set). */
export async function generateSample(name: string, opts: SampleOptions): Promise<SampleResult> {
  const recipe = recipeOrThrow(name);
  const durationS = opts.durationS ?? DEFAULT_SAMPLE_DURATION_S;
  checkDuration(durationS);
  const dir = opts.dir ?? defaultSampleDir();
  const target = samplePath(name, dir);
  if (existsSync(target) && !opts.force) return { name, path: target, generated: false, seconds: 0 };
  if (!opts.ffmpeg.encoders.includes('libx264')) {
    throw new EnvironmentError(`ffmpeg at ${opts.ffmpeg.path} has no libx264 encoder, which the samples are stored with`, 'npm ci (installs @ffmpeg-installer/ffmpeg, which has it), or pass --ffmpeg PATH to an ffmpeg built with libx264');
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new OutputError(`cannot write samples into ${dir}: ${(e as Error).message}`, `simq samples --out DIR (a folder you can write to)`);
  }
  const params: SampleParams = { width: SAMPLE_WIDTH, height: SAMPLE_HEIGHT, fps: SAMPLE_FPS, durationS };
  const tmp = tempPathFor(target);
  const started = Date.now();
  opts.progress?.info(`sample ${name}: generating ${durationS} s ${params.width}x${params.height} at ${params.fps} fps -> ${target}`);
  try {
    const result = await runProcess(opts.ffmpeg.path, sampleArgs(recipe, params, tmp), { timeoutMs: 60_000 + durationS * 30_000, signal: opts.signal });
    if (opts.signal?.aborted) throw interruptedBy(opts.signal, `generating sample ${name}`);
    if (result.code !== 0) throw new SimqError(`ffmpeg failed to generate sample ${name} (exit ${result.code ?? result.signal}): ${tail(result.stderr)}`);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { name, path: target, generated: true, seconds: (Date.now() - started) / 1000 };
}

/** The path of a sample, generating it first if it is missing (used when no clip is given). */
export async function ensureSample(name: string, opts: SampleOptions): Promise<string> {
  return (await generateSample(name, { ...opts, force: false })).path;
}
