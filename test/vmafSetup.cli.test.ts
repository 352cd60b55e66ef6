// resolveVmafSetup against the real ffmpeg here (ffmpeg 4.1, libvmaf 1.3.7): the chosen backend,
// and proof that the resolved libvmaf options really run. Expectations by construction: a clip
// against itself scores near the model maximum; the same clip with noise added scores lower.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, ExitCode } from '../src/errors.js';
import { resolveVmafSetup, libvmafFilter, VMAF_OFF_WARNING, type VmafSetup } from '../src/measure/vmaf/VmafSetup.js';
import { FfmpegCommand } from '../src/tools/FfmpegArgs.js';
import { clearFfmpegProbes } from '../src/tools/ffmpeg.js';
import { runProcess } from '../src/tools/process.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';

// The model files (SIMQ_VMAF_MODEL_DIR, else a vmaf-models folder beside the checkout).
const SHARED = VMAF_MODEL_DIR;
const STANDIN_DIR = fileURLToPath(new URL('./fixtures/docker-standin', import.meta.url));
// A real ffmpeg without libvmaf, first on every PATH these tests give simq: what the machine has on
// PATH (Debian's ffmpeg 5.1 without libvmaf, a libvmaf build, or none) cannot change the answers.
// The only candidate with libvmaf is then the bundled @ffmpeg-installer one (libvmaf 1.3.7).
const NO_LIBVMAF_DIR = fileURLToPath(new URL('./fixtures/ffmpeg-no-libvmaf', import.meta.url));
const HERMETIC_PATH = `${NO_LIBVMAF_DIR}${path.delimiter}${process.env.PATH}`;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-vmaf-setup-'));
  clearFfmpegProbes();
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // SIMQ_CACHE_DIR in tmp: nothing a test does can touch the developer's real cache.
  return { PATH: HERMETIC_PATH, HOME: path.join(tmp, 'home'), SIMQ_CACHE_DIR: path.join(tmp, 'cache'), ...extra };
}

/** Per-frame VMAF from a libvmaf JSON log (libvmaf 1.x and >= 2 both write frames[].metrics.vmaf). */
function vmafFrames(logPath: string): number[] {
  const log = JSON.parse(readFileSync(logPath, 'utf8')) as {
    frames: { frameNum: number; metrics: { vmaf: number } }[];
  };
  return log.frames.map((f) => f.metrics.vmaf);
}

/** testsrc2 320x180, 5 frames, distorted (optionally noisy) against the clean reference. */
async function runVmaf(setup: VmafSetup, logPath: string, noisy: boolean): Promise<number[]> {
  const src = 'testsrc2=size=320x180:rate=25';
  const distort = noisy ? 'noise=alls=40:allf=t' : 'null';
  const args = new FfmpegCommand()
    .input(src, { format: 'lavfi' })
    .input(src, { format: 'lavfi' })
    .filterComplex(`[0:v]${distort}[d];[d][1:v]${libvmafFilter(setup, logPath)}`)
    .output('-', { format: 'null', frames: 5 })
    .args();
  const r = await runProcess(setup.command, [...setup.argsPrefix, ...args], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  return vmafFrames(logPath);
}

/** An "ffmpeg" that answers like ffmpeg but has no filters at all. */
function fakeFfmpegWithoutLibvmaf(): string {
  const p = path.join(tmp, 'ffmpeg-no-vmaf');
  writeFileSync(
    p,
    '#!/bin/sh\ncase "$*" in\n  *-version*) echo "ffmpeg version 9.9-fake Copyright (c) the FFmpeg developers";;\n  *-filters*) echo "Filters:";;\n  *) echo "";;\nesac\nexit 0\n',
  );
  chmodSync(p, 0o755);
  return p;
}

describe('resolveVmafSetup', () => {
  it('auto with SIMQ_VMAF_MODEL_DIR picks the local ffmpeg, libvmaf 1 and model_path', async () => {
    const setup = await resolveVmafSetup({ backend: 'auto', env: env({ SIMQ_VMAF_MODEL_DIR: SHARED }) });
    expect(setup.backend).toBe('ffmpeg');
    expect(realpathSync(setup.command)).toBe(realpathSync(FFMPEG));
    expect(setup.argsPrefix).toEqual([]);
    expect(setup.libvmafMajor).toBe(1);
    expect(setup.libvmafOptions).toBe(`model_path=${path.join(SHARED, 'vmaf_float_v0.6.1.pkl')}`);
    expect(setup.model).toMatchObject({ name: 'vmaf_v0.6.1', source: 'SIMQ_VMAF_MODEL_DIR' });
    expect(setup.description.libvmaf?.major).toBe(1);
    expect(setup.description.ffmpeg.version).not.toBe('');
    expect(setup.warnings).toEqual([]);
  });

  it('the resolved options run: a clip against itself scores near the maximum, a noisy copy lower', async () => {
    const setup = await resolveVmafSetup({ backend: 'ffmpeg', env: env({ SIMQ_VMAF_MODEL_DIR: SHARED }) });
    const same = await runVmaf(setup, path.join(tmp, 'same.json'), false);
    const noisy = await runVmaf(setup, path.join(tmp, 'noisy.json'), true);
    expect(same).toHaveLength(5);
    expect(noisy).toHaveLength(5);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(same)).toBeGreaterThan(95);
    expect(Math.min(...same)).toBeGreaterThan(90);
    expect(mean(noisy)).toBeLessThan(mean(same) - 5);
  });

  it('NEG on libvmaf 1.x loads, with a warning that its limits are not applied', async () => {
    const setup = await resolveVmafSetup({
      backend: 'ffmpeg',
      vmafModel: 'vmaf_v0.6.1neg',
      env: env({ SIMQ_VMAF_MODEL_DIR: SHARED }),
    });
    expect(setup.libvmafOptions).toBe(`model_path=${path.join(SHARED, 'vmaf_float_v0.6.1neg.pkl')}`);
    expect(setup.warnings.join('\n')).toMatch(/enhancement-gain limits are applied only by libvmaf >= 2/);
  });

  it('ffmpeg backend with an ffmpeg lacking libvmaf: EnvironmentError naming it and the fix', async () => {
    const fake = fakeFfmpegWithoutLibvmaf();
    const err = (await resolveVmafSetup({
      backend: 'ffmpeg',
      ffmpeg: fake,
      env: env({ SIMQ_VMAF_MODEL_DIR: SHARED }),
    }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.exitCode).toBe(ExitCode.environment);
    expect(err.message).toContain(fake);
    expect(err.message).toContain('no libvmaf');
    expect(err.fix).toContain('@ffmpeg-installer/ffmpeg');
    expect(err.fix).toContain('--vmaf-backend docker');
  });

  it('none: VMAF off, local ffmpeg for PSNR/SSIM, and the warning', async () => {
    const setup = await resolveVmafSetup({ backend: 'none', env: env() });
    expect(setup.backend).toBe('none');
    expect(realpathSync(setup.command)).toBe(realpathSync(FFMPEG));
    expect(setup.libvmafOptions).toBeUndefined();
    expect(libvmafFilter(setup, path.join(tmp, 'x.json'))).toBeUndefined();
    expect(setup.warnings).toEqual([expect.stringContaining(VMAF_OFF_WARNING)]);
  });

  it('auto without libvmaf and without a Docker engine falls back to none, saying why', async () => {
    const fake = fakeFfmpegWithoutLibvmaf();
    const runDir = path.join(tmp, 'run');
    mkdirSync(runDir);
    const setup = await resolveVmafSetup({
      backend: 'auto',
      ffmpeg: fake,
      runDir,
      workDir: path.join(runDir, 'measure-work'),
      env: env({ PATH: `${STANDIN_DIR}${path.delimiter}${HERMETIC_PATH}`, DOCKER_STANDIN_ENGINE: 'down' }),
    });
    expect(setup.backend).toBe('none');
    expect(setup.libvmafOptions).toBeUndefined();
    const w = setup.warnings.join('\n');
    expect(w).toContain(`${fake} (ffmpeg 9.9-fake) has no libvmaf filter`);
    expect(w).toContain('Docker engine is not answering');
    expect(w).toContain(VMAF_OFF_WARNING);
  });

  it('auto offline (no model dir, download fails) does not stop the run', async () => {
    // Port 9 on 127.0.0.1 (discard) is closed here: the download is refused at once.
    const setup = await resolveVmafSetup({
      backend: 'auto',
      env: env({
        SIMQ_VMAF_MODEL_URL: 'http://127.0.0.1:9/',
        PATH: `${STANDIN_DIR}${path.delimiter}${HERMETIC_PATH}`,
        DOCKER_STANDIN_ENGINE: 'down',
      }),
      runDir: tmp,
      workDir: path.join(tmp, 'w'),
    });
    expect(setup.backend).toBe('none');
    expect(setup.warnings.join('\n')).toContain(
      'could not download VMAF model file http://127.0.0.1:9/vmaf_float_v0.6.1.pkl',
    );
  });

  it('rejects an unknown backend name', async () => {
    await expect(resolveVmafSetup({ backend: 'gpu' as never, env: env() })).rejects.toThrow('--vmaf-backend gpu');
  });
});
