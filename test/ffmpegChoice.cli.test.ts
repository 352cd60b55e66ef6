// Which ffmpeg measures, and the arguments an ffmpeg with libvmaf >= 2 gets. No machine here has
// such an ffmpeg (nothing on npm or in Debian ships libvmaf >= 2), so a stand-in answers like an
// ffmpeg 7.1 + libvmaf 3.0 build and records its argv (test/fixtures/ffmpeg-libvmaf3-standin).
// Expected arguments are written out from libvmaf's and ffmpeg's documented options
// (model=version=vmaf_v0.6.1, n_threads, pipe:0), not taken from simq.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineCheck } from '../src/commands/doctor.js';
import { Y4mFile } from '../src/input/Y4mFile.js';
import { runMetricJob } from '../src/measure/metrics/MetricJob.js';
import { resolveVmafSetup } from '../src/measure/vmaf/VmafSetup.js';
import { clearFfmpegProbes, probeFfmpeg } from '../src/tools/ffmpeg.js';
import { runProcess } from '../src/tools/process.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';

const STANDIN_DIR = fileURLToPath(new URL('./fixtures/ffmpeg-libvmaf3-standin', import.meta.url));
const STANDIN = path.join(STANDIN_DIR, 'ffmpeg');
// The bundled ffmpeg as Node's resolver names it (real path: node_modules may be a symlink, as in a git worktree).
const BUNDLED = realpathSync(FFMPEG);

let tmp: string;
let argvFile: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-ffmpeg-choice-'));
  argvFile = path.join(tmp, 'argv.jsonl');
  clearFfmpegProbes();
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** PATH with the stand-in first; the bundled @ffmpeg-installer ffmpeg (libvmaf 1.3.7) is found through node_modules. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${STANDIN_DIR}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(tmp, 'home'),
    SIMQ_CACHE_DIR: path.join(tmp, 'cache'),
    SIMQ_VMAF_MODEL_DIR: VMAF_MODEL_DIR,
    FFMPEG_STANDIN_ARGV_FILE: argvFile,
    FFMPEG_STANDIN_LIBVMAF: process.env.FFMPEG_STANDIN_LIBVMAF,
    ...extra,
  };
}

function recordedArgv(): string[][] {
  return readFileSync(argvFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
}

// The stand-in reads its mode from its environment: a metric job spawns it with process.env, so
// the mode is set there (and copied into env()) for the duration of one call.
function withStandinMode<T>(mode: string, fn: () => Promise<T>): Promise<T> {
  const before = { mode: process.env.FFMPEG_STANDIN_LIBVMAF, argv: process.env.FFMPEG_STANDIN_ARGV_FILE };
  process.env.FFMPEG_STANDIN_LIBVMAF = mode;
  process.env.FFMPEG_STANDIN_ARGV_FILE = argvFile;
  return fn().finally(() => {
    if (before.mode === undefined) delete process.env.FFMPEG_STANDIN_LIBVMAF;
    else process.env.FFMPEG_STANDIN_LIBVMAF = before.mode;
    if (before.argv === undefined) delete process.env.FFMPEG_STANDIN_ARGV_FILE;
    else process.env.FFMPEG_STANDIN_ARGV_FILE = before.argv;
  });
}

describe('choosing the ffmpeg', () => {
  it('without options, an ffmpeg with libvmaf >= 2 on PATH wins over the bundled libvmaf 1.3.7', async () => {
    const f = await withStandinMode('3', () => probeFfmpeg(undefined, env()));
    expect(f.path).toBe(STANDIN);
    expect(f.source).toBe('PATH');
    expect(f.libvmafMajor).toBe(2);
    expect(f.alternatives).toEqual([
      expect.objectContaining({ path: BUNDLED, source: '@ffmpeg-installer/ffmpeg', hasLibvmaf: true, libvmafMajor: 1 }),
    ]);
  });

  it('an ffmpeg without libvmaf on PATH loses to the bundled one with libvmaf 1.x', async () => {
    const f = await withStandinMode('none', () => probeFfmpeg(undefined, env()));
    expect(f.path).toBe(BUNDLED);
    expect(f.libvmafMajor).toBe(1);
    expect(f.alternatives).toEqual([expect.objectContaining({ path: STANDIN, source: 'PATH', hasLibvmaf: false })]);
  });

  it('an explicit --ffmpeg or SIMQ_FFMPEG wins even when it is the slower generation', async () => {
    const byFlag = await withStandinMode('3', () => probeFfmpeg(FFMPEG, env()));
    expect(byFlag).toMatchObject({ path: FFMPEG, source: 'flag', libvmafMajor: 1 });
    const byEnv = await withStandinMode('3', () => probeFfmpeg(undefined, env({ SIMQ_FFMPEG: FFMPEG })));
    expect(byEnv).toMatchObject({ path: FFMPEG, source: 'SIMQ_FFMPEG', libvmafMajor: 1 });
  });
});

describe('simq doctor on the engine', () => {
  it('names the engine in use, the others found, and how to get a faster one', async () => {
    const fast = engineCheck(await withStandinMode('3', () => probeFfmpeg(undefined, env())));
    expect(fast).toMatchObject({ component: 'vmaf engine', ok: true });
    expect(fast.detail).toContain(`libvmaf >= 2 in ffmpeg 7.1-standin at ${STANDIN} (PATH)`);
    expect(fast.detail).toContain(`also found: ${BUNDLED} (@ffmpeg-installer/ffmpeg`);
    clearFfmpegProbes();
    const slow = engineCheck(await probeFfmpeg(undefined, { PATH: '/nonexistent' }));
    expect(slow).toMatchObject({ component: 'vmaf engine', ok: false, optional: true });
    expect(slow.detail).toContain(`libvmaf 1.x in ffmpeg`);
    expect(slow.fix).toContain('libvmaf >= 2 on PATH');
  });
});

describe('an ffmpeg with libvmaf >= 2', () => {
  it('auto uses it with the built-in model, and records libvmaf version 3.0.0 from its log', async () => {
    const setup = await withStandinMode('3', () => resolveVmafSetup({ backend: 'auto', env: env() }));
    expect(setup.backend).toBe('ffmpeg');
    expect(setup.command).toBe(STANDIN);
    expect(setup.libvmafMajor).toBe(2);
    expect(setup.libvmafOptions).toBe('model=version=vmaf_v0.6.1');
    expect(setup.description.libvmaf).toMatchObject({
      major: 2,
      version: '3.0.0',
      model: 'vmaf_v0.6.1',
      modelSource: 'built-in',
    });
    const smoke = recordedArgv().find((a) => a.includes('-filter_complex'))!;
    expect(smoke[smoke.indexOf('-filter_complex') + 1]).toMatch(
      /^\[0:v\]\[1:v\]libvmaf=model=version=vmaf_v0\.6\.1:log_path=\/\S+\/vmaf\.json:log_fmt=json$/,
    );
  });

  it('a metric job gives it pipe:0, the built-in model and n_threads', async () => {
    const setup = await withStandinMode('3', () => resolveVmafSetup({ backend: 'ffmpeg', env: env() }));
    // A real reference and a real VP8 layer, made and decoded by the bundled ffmpeg.
    const ref = path.join(tmp, 'ref.y4m');
    const ivf = path.join(tmp, 'layer.ivf');
    const make = async (args: string[]) => expect((await runProcess(FFMPEG, args)).code).toBe(0);
    await make([
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x180:r=30',
      '-frames:v',
      '4',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      ref,
    ]);
    await make(['-hide_banner', '-loglevel', 'error', '-i', ref, '-c:v', 'libvpx', '-b:v', '300k', '-f', 'ivf', ivf]);
    const workDir = path.join(tmp, 'job');
    const metrics = await withStandinMode('3', () =>
      runMetricJob({
        ffmpegPath: FFMPEG,
        bitstream: ivf,
        codec: 'vp8',
        decodedSize: { width: 320, height: 180 },
        reference: Y4mFile.open(ref),
        entries: [0, 1, 2, 3].map((i) => ({ frameIndex: i, sourceIndex: i, frozen: false })),
        size: { width: 320, height: 180 },
        runner: {
          command: setup.command,
          argsPrefix: setup.argsPrefix,
          libvmafOptions: setup.libvmafOptions,
          threads: 2,
        },
        workDir,
      }),
    );
    expect(metrics).toHaveLength(4);
    const job = recordedArgv()
      .filter((a) => a.includes('-filter_complex'))
      .pop()!;
    expect(job).toEqual([
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      '320x360',
      '-framerate',
      '30',
      '-i',
      'pipe:0',
      '-filter_complex',
      '[0:v]split=2[top][bottom];[top]crop=w=320:h=180:x=0:y=0:exact=1[dist];[bottom]crop=w=320:h=180:x=0:y=180:exact=1,split=3[r0][r1][r2];' +
        `[dist][r0]libvmaf=model=version=vmaf_v0.6.1:n_threads=2:log_path=${workDir}/vmaf.json:log_fmt=json[v];` +
        `[v][r1]psnr=stats_file=${workDir}/psnr.log[p];[p][r2]ssim=stats_file=${workDir}/ssim.log[out]`,
      '-map',
      '[out]',
      '-an',
      '-f',
      'null',
      '-',
    ]);
  });
});
