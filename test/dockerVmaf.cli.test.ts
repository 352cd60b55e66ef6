// The docker VMAF backend, tested with the stand-in `docker` (test/fixtures/docker-standin/docker)
// on PATH: there is no Docker engine here. The stand-in checks the argv strictly, records it, and
// runs the local ffmpeg with the arguments after the image, so the job really computes VMAF.
// Expected argv is written out by hand below; the expected VMAF comes from running the same
// ffmpeg job directly, without docker.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, ExitCode, InputError } from '../src/errors.js';
import { DEFAULT_DOCKER_IMAGE, dockerAvailable, dockerRunArgs, ffmpegInImage } from '../src/measure/vmaf/DockerVmaf.js';
import { libvmafFilter, resolveVmafSetup } from '../src/measure/vmaf/VmafSetup.js';
import { FfmpegCommand } from '../src/tools/FfmpegArgs.js';
import { runProcess } from '../src/tools/process.js';
import { FFMPEG, VMAF_MODEL_DIR } from './helpers/simq.js';

// The model files (SIMQ_VMAF_MODEL_DIR, else a vmaf-models folder beside the checkout).
const SHARED = VMAF_MODEL_DIR;
const STANDIN_DIR = fileURLToPath(new URL('./fixtures/docker-standin', import.meta.url));
const STANDIN = path.join(STANDIN_DIR, 'docker');
// The image's ffmpeg is played by the bundled one (libvmaf 1.3.7), whatever ffmpeg PATH holds.
const IMAGE = 'simq-test/ffmpeg-libvmaf:1';
const USER = `${process.getuid!()}:${process.getgid!()}`;
const PKL = path.join(SHARED, 'vmaf_float_v0.6.1.pkl');
const W = 320;
const H = 180;
const FRAMES = 5;

let tmp: string;
let runDir: string;
let workDir: string;
let argvFile: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-docker-vmaf-'));
  runDir = path.join(tmp, 'run');
  workDir = path.join(runDir, 'measure-work');
  argvFile = path.join(tmp, 'docker-argv.jsonl');
  mkdirSync(runDir);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function standinEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${STANDIN_DIR}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(tmp, 'home'),
    SIMQ_CACHE_DIR: path.join(tmp, 'cache'),
    SIMQ_VMAF_MODEL_DIR: SHARED,
    DOCKER_STANDIN_IMAGE: IMAGE,
    DOCKER_STANDIN_FFMPEG: FFMPEG,
    DOCKER_STANDIN_RUN_DIR: runDir,
    DOCKER_STANDIN_WORK_DIR: workDir,
    DOCKER_STANDIN_MODEL_DIR: SHARED,
    DOCKER_STANDIN_ARGV_FILE: argvFile,
    ...extra,
  };
}

function recordedArgv(): string[][] {
  return existsSync(argvFile)
    ? readFileSync(argvFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[])
    : [];
}

/** Raw frames as the measure stage sends them: distorted (noisy testsrc2) stacked over the reference. */
async function stackedFrames(): Promise<Buffer> {
  const src = `testsrc2=size=${W}x${H}:rate=25`;
  const args = new FfmpegCommand()
    .input(src, { format: 'lavfi' })
    .filterComplex(`[0:v]split[a][b];[a]noise=alls=25:allf=t[d];[d][b]vstack`)
    .output('-', { format: 'rawvideo', pixFmt: 'yuv420p', frames: FRAMES })
    .args();
  const r = await runProcess(FFMPEG, args, { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.length).toBe(FRAMES * W * 2 * H * 1.5);
  return r.stdout;
}

/** One metric job: libvmaf + psnr from the stacked stream on stdin, logs into `dir`. */
function metricJob(vmafFilter: string, psnrLog: string): string[] {
  return new FfmpegCommand()
    .input('-', { raw: { width: W, height: 2 * H, pixFmt: 'yuv420p', fps: 25 } })
    .filterComplex(
      `[0:v]split[a][b];[a]crop=${W}:${H}:0:0,split[d1][d2];[b]crop=${W}:${H}:0:${H},split[r1][r2];` +
        `[d1][r1]${vmafFilter}[v];[d2][r2]psnr=stats_file=${psnrLog}[p]`,
    )
    .output('-', { map: '[v]', format: 'null' })
    .output('-', { map: '[p]', format: 'null' })
    .args();
}

const vmafOf = (log: string) =>
  (JSON.parse(readFileSync(log, 'utf8')) as { frames: { metrics: { vmaf: number } }[] }).frames.map(
    (f) => f.metrics.vmaf,
  );

describe('docker backend through the stand-in', () => {
  it('builds the exact docker argv and gives the same VMAF as the local ffmpeg', async () => {
    const env = standinEnv();
    const setup = await resolveVmafSetup({ backend: 'docker', dockerImage: IMAGE, runDir, workDir, env });
    expect(setup.backend).toBe('docker');
    expect(setup.command).toBe(STANDIN);
    // The image's ffmpeg is the local one (libvmaf 1.x): the host's model files are mounted read-only.
    expect(setup.libvmafMajor).toBe(1);
    expect(setup.libvmafOptions).toBe(`model_path=${PKL}`);
    const prefix = [
      'run',
      '--rm',
      '-i',
      '--network',
      'none',
      '--user',
      USER,
      // glibc keeps libvmaf 1.x's per-picture buffers (src/tools/mallocTuning.ts): a 4x cheaper measure.
      '--env',
      'MALLOC_MMAP_MAX_=0',
      '--env',
      'MALLOC_TRIM_THRESHOLD_=1073741824',
      '-v',
      `${runDir}:${runDir}:ro`,
      '-v',
      `${workDir}:${workDir}`,
      '-v',
      `${PKL}:${PKL}:ro`,
      '-v',
      `${PKL}.model:${PKL}.model:ro`,
      '--entrypoint',
      'ffmpeg',
      IMAGE,
    ];
    expect(setup.argsPrefix).toEqual(prefix);
    expect(setup.description.docker).toMatchObject({
      image: IMAGE,
      entrypoint: 'ffmpeg',
      serverVersion: '27.5.1-standin',
    });

    const frames = await stackedFrames();
    const dockerLog = path.join(workDir, 'docker.vmaf.json');
    const jobArgs = metricJob(libvmafFilter(setup, dockerLog)!, path.join(workDir, 'docker.psnr.log'));
    const viaDocker = await runProcess(setup.command, [...setup.argsPrefix, ...jobArgs], {
      env,
      input: frames,
      timeoutMs: 60_000,
    });
    expect(viaDocker.code, viaDocker.stderr).toBe(0);

    const calls = recordedArgv();
    expect(calls[0]).toEqual(['version', '--format', '{{.Server.Version}}']);
    expect(calls.at(-1)).toEqual([...prefix, ...jobArgs]);
    for (const call of calls.slice(1)) expect(call.slice(0, 7)).toEqual(prefix.slice(0, 7));

    const localLog = path.join(tmp, 'local.vmaf.json');
    const direct = await runProcess(
      FFMPEG,
      metricJob(`libvmaf=model_path=${PKL}:log_path=${localLog}:log_fmt=json`, path.join(tmp, 'local.psnr.log')),
      { input: frames, timeoutMs: 60_000 },
    );
    expect(direct.code, direct.stderr).toBe(0);
    const expected = vmafOf(localLog);
    expect(expected).toHaveLength(FRAMES);
    expect(vmafOf(dockerLog)).toEqual(expected);
    expect(readFileSync(path.join(workDir, 'docker.psnr.log'), 'utf8')).toBe(
      readFileSync(path.join(tmp, 'local.psnr.log'), 'utf8'),
    );
  });

  it('uses /ffmpeg as entrypoint for the default image (mwader/static-ffmpeg)', async () => {
    const env = standinEnv({ DOCKER_STANDIN_IMAGE: DEFAULT_DOCKER_IMAGE, DOCKER_STANDIN_ENTRYPOINT: '/ffmpeg' });
    const setup = await resolveVmafSetup({ backend: 'docker', runDir, workDir, env });
    expect(setup.argsPrefix.slice(-3)).toEqual(['--entrypoint', '/ffmpeg', DEFAULT_DOCKER_IMAGE]);
    expect(ffmpegInImage('mwader/static-ffmpeg:7.1.1')).toBe('/ffmpeg');
    expect(ffmpegInImage('docker.io/mwader/static-ffmpeg@sha256:0123')).toBe('/ffmpeg');
    expect(ffmpegInImage('lscr.io/linuxserver/ffmpeg:latest')).toBe('ffmpeg');
    expect(ffmpegInImage('localhost:5000/team/ffmpeg-vmaf')).toBe('ffmpeg');
  });

  it('engine down: a clear EnvironmentError with the fix', async () => {
    const env = standinEnv({ DOCKER_STANDIN_ENGINE: 'down' });
    const err = (await dockerAvailable({ env }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('Docker engine is not answering');
    expect(err.message).toContain('Cannot connect to the Docker daemon');
    expect(err.fix).toMatch(/start the Docker engine.*--vmaf-backend ffmpeg.*--vmaf-backend none/);
    const viaSetup = (await resolveVmafSetup({ backend: 'docker', dockerImage: IMAGE, runDir, workDir, env }).catch(
      (e: unknown) => e,
    )) as EnvironmentError;
    expect(viaSetup).toBeInstanceOf(EnvironmentError);
    expect(viaSetup.exitCode).toBe(ExitCode.environment);
    expect(recordedArgv().every((a) => a[0] === 'version')).toBe(true); // no container was started
  });

  it('no docker client: says so', async () => {
    const emptyBin = path.join(tmp, 'bin');
    mkdirSync(emptyBin);
    await expect(dockerAvailable({ env: { PATH: emptyBin } })).rejects.toThrow('no docker client found on PATH');
  });

  it('an engine that does not answer in time', async () => {
    // A client stuck on an unresponsive engine (exec: the kill must reach the process holding the pipes).
    const stuck = path.join(tmp, 'docker-stuck');
    writeFileSync(stuck, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(stuck, 0o755);
    const started = Date.now();
    await expect(dockerAvailable({ command: stuck, timeoutMs: 300, env: {} })).rejects.toThrow(
      'did not answer `docker version` within',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses paths a -v mount cannot carry, and work folders outside the run directory', () => {
    const spec = { image: IMAGE, entrypoint: 'ffmpeg', runDir, workDir };
    expect(() => dockerRunArgs({ ...spec, runDir: '/tmp/a:b', workDir: '/tmp/a:b/w' })).toThrow(InputError);
    expect(() => dockerRunArgs({ ...spec, workDir: path.join(tmp, 'elsewhere') })).toThrow('must be a subfolder');
  });
});

describe('the stand-in rejects what a careless backend would do', () => {
  async function standin(args: string[]) {
    mkdirSync(workDir, { recursive: true });
    return runProcess(STANDIN, args, { env: standinEnv(), timeoutMs: 20_000 });
  }
  const head = () => ['run', '--rm', '-i', '--network', 'none', '--user', USER];
  const tailArgs = ['--entrypoint', 'ffmpeg', IMAGE, '-hide_banner', '-version'];

  it('accepts the correct shape', async () => {
    const r = await standin([...head(), '-v', `${runDir}:${runDir}:ro`, '-v', `${workDir}:${workDir}`, ...tailArgs]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/^ffmpeg version/);
  });

  it.each([
    [
      'a mount outside the run directory',
      () => [...head(), '-v', `${tmp}:${tmp}:ro`, ...tailArgs],
      'outside the run directory',
    ],
    [
      'the run directory read-write',
      () => [...head(), '-v', `${runDir}:${runDir}`, ...tailArgs],
      'read-write outside the work dir',
    ],
    [
      'a different container path',
      () => [...head(), '-v', `${runDir}:/data:ro`, ...tailArgs],
      'container path differs',
    ],
    [
      'a network',
      () => ['run', '--rm', '-i', '--network', 'bridge', '--user', USER, ...tailArgs],
      '--network must be none',
    ],
    ['no --rm', () => ['run', '-i', '--network', 'none', '--user', USER, ...tailArgs], '--rm missing'],
    [
      'another user',
      () => ['run', '--rm', '-i', '--network', 'none', '--user', '12345:12345', ...tailArgs],
      '--user must be',
    ],
    ['no --user', () => ['run', '--rm', '-i', '--network', 'none', ...tailArgs], '--user must be'],
    ['another image', () => [...head(), '--entrypoint', 'ffmpeg', 'other/image', '-version'], 'image must be'],
    [
      'a log outside the writable work dir',
      () => [
        ...head(),
        '-v',
        `${runDir}:${runDir}:ro`,
        '-v',
        `${workDir}:${workDir}`,
        '--entrypoint',
        'ffmpeg',
        IMAGE,
        '-f',
        'lavfi',
        '-i',
        'testsrc2',
        '-lavfi',
        `psnr=stats_file=${runDir}/x.log`,
        '-f',
        'null',
        '-',
      ],
      'not writable',
    ],
    [
      'a model the container cannot see',
      () => [
        ...head(),
        '-v',
        `${runDir}:${runDir}:ro`,
        '--entrypoint',
        'ffmpeg',
        IMAGE,
        '-lavfi',
        `libvmaf=model_path=${PKL}`,
        '-f',
        'null',
        '-',
      ],
      'not visible',
    ],
  ])('rejects %s', async (_what, args, message) => {
    const r = await standin(args());
    expect(r.code).toBe(125);
    expect(r.stderr).toContain(message);
  });
});
