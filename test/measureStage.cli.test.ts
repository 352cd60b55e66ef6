// `simq measure` on a real capture, recorded (test/fixtures/capture-run: Chromium, VP8, all-layers and
// top-off at 640x360, test/helpers/captureFixture.ts): VMAF backends (ffmpeg, docker through a
// stand-in client, none), and its errors. The stand-in `docker` checks the command line it gets and
// runs the local ffmpeg: there is no Docker engine on the test machines. No browser.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import type { RunRecord } from '../src/rundir/RunTypes.js';
import { directVmaf } from './helpers/directVmaf.js';
import { copyCaptureFixture } from './helpers/captureFixture.js';
import { FFMPEG, readCsv, readJson, ROOT, simq, testEnv, VMAF_MODEL_DIR } from './helpers/simq.js';

let dir: string;
let captured: string;
const STANDIN = path.join(ROOT, 'test', 'fixtures', 'docker-standin');
const IMAGE = 'simq-test/ffmpeg-vmaf:1';

/** A fresh copy of the captured run, so each test measures its own. */
function copyRun(name: string): string {
  const to = path.join(dir, name);
  cpSync(captured, to, { recursive: true });
  return to;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-measure-stage-'));
  captured = copyCaptureFixture(path.join(dir, 'base'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const viewports = ['--viewports', '640x360'];

describe('VMAF backends give the same numbers', () => {
  let ffmpegRows: Record<string, string>[];

  beforeAll(async () => {
    const run = copyRun('ffmpeg');
    const r = await simq(['measure', run, '--vmaf-backend', 'ffmpeg', ...viewports, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    ffmpegRows = readCsv(path.join(run, 'quality.csv'));
  }, 300_000);

  it('ffmpeg: every layer measured natively and at the viewport, VMAF as libvmaf gives it on the same pictures', async () => {
    expect(ffmpegRows.length).toBe((3 + 2) * 2);
    const run = path.join(dir, 'ffmpeg');
    const record = readJson<RunRecord>(path.join(run, 'run.json'));
    const pictures = readCsv(path.join(run, 'pictures.csv'));
    for (const row of ffmpegRows) {
      const layer = record.scenarios.find((s) => s.id === row.scenario_id)!.layers.find((l) => l.rid === row.rid)!;
      const [width, height] = (row.size === 'native' ? row.layer : row.size).split('x').map(Number);
      const shown = pictures.filter(
        (p) => p.scenario_id === row.scenario_id && p.rid === row.rid && p.size === row.size,
      );
      const direct = await directVmaf({
        ffmpeg: FFMPEG,
        modelOption: `model_path=${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl')}`,
        bitstream: path.join(run, row.scenario_id, layer.bitstream!),
        referenceY4m: record.input.y4m,
        width,
        height,
        pairs: shown.map((p) => [Number(p.frame_index), Number(p.source_index)]),
      });
      const label = `${row.scenario_id} ${row.rid} ${row.size}`;
      // Every picture's score (libvmaf's temporal features see the same predecessor in both runs).
      direct.forEach((v, i) =>
        expect(Math.abs(Number(shown[i].vmaf) - v), `${label} picture ${i}`).toBeLessThanOrEqual(0.05),
      );
      const steady = direct.filter((_, i) => shown[i].warmup === '0');
      const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
      expect(Math.abs(Number(row.vmaf_mean) - mean), label).toBeLessThanOrEqual(0.05);
    }
  });

  it('docker: the exact command line, mounts read-only except the work folder, same results', async () => {
    const run = copyRun('docker');
    const argvFile = path.join(dir, 'docker-argv.jsonl');
    const env = testEnv({
      PATH: `${STANDIN}${path.delimiter}${process.env.PATH}`,
      DOCKER_STANDIN_IMAGE: IMAGE,
      DOCKER_STANDIN_FFMPEG: FFMPEG,
      DOCKER_STANDIN_RUN_DIR: run,
      DOCKER_STANDIN_WORK_DIR: path.join(run, '.measure-work'),
      DOCKER_STANDIN_MODEL_DIR: VMAF_MODEL_DIR,
      DOCKER_STANDIN_ARGV_FILE: argvFile,
    });
    const r = await simq(
      ['measure', run, '--vmaf-backend', 'docker', '--docker-image', IMAGE, ...viewports, '--quiet'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const calls = readFileSync(argvFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    // Metric jobs read the stacked frames as rawvideo on stdin (the setup's smoke test uses lavfi).
    const jobs = calls.filter((a) => a[0] === 'run' && a.includes('rawvideo'));
    // One job per layer and measurement size: a layer's native row and the viewport of its own size
    // (f at 640x360 here) are the same computation.
    const measured = new Set(
      ffmpegRows.map((x) => `${x.scenario_id} ${x.rid} ${x.size === 'native' ? x.layer : x.size}`),
    );
    expect(measured.size).toBeLessThan(ffmpegRows.length);
    expect(jobs.length).toBe(measured.size);
    const uid = process.getuid!();
    const gid = process.getgid!();
    for (const a of jobs) {
      const image = a.indexOf(IMAGE);
      expect(a.slice(0, image + 1)).toEqual([
        'run',
        '--rm',
        '-i',
        '--network',
        'none',
        '--user',
        `${uid}:${gid}`,
        '--env',
        'MALLOC_MMAP_MAX_=0',
        '--env',
        'MALLOC_TRIM_THRESHOLD_=1073741824',
        '-v',
        `${run}:${run}:ro`,
        '-v',
        `${path.join(run, '.measure-work')}:${path.join(run, '.measure-work')}`,
        '-v',
        `${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl')}:${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl')}:ro`,
        '-v',
        `${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl.model')}:${path.join(VMAF_MODEL_DIR, 'vmaf_float_v0.6.1.pkl.model')}:ro`,
        '--entrypoint',
        'ffmpeg',
        IMAGE,
      ]);
      // Frames come on stdin: the container reads no clip from disk.
      expect(a.slice(image + 1)).toContain('pipe:0');
    }
    const rows = readCsv(path.join(run, 'quality.csv'));
    expect(rows.map((x) => `${x.scenario_id} ${x.rid} ${x.size}`)).toEqual(
      ffmpegRows.map((x) => `${x.scenario_id} ${x.rid} ${x.size}`),
    );
    rows.forEach((x, i) => {
      expect(Math.abs(Number(x.vmaf_mean) - Number(ffmpegRows[i].vmaf_mean))).toBeLessThanOrEqual(0.01);
      expect(x.psnr_y_mean).toBe(ffmpegRows[i].psnr_y_mean);
    });
    expect(readJson<RunRecord>(path.join(run, 'run.json')).measure!.vmaf.docker?.image).toBe(IMAGE);
  });

  it('docker with no engine answering: exit 3 with the fix, the run untouched', async () => {
    const run = copyRun('docker-down');
    const env = testEnv({ PATH: `${STANDIN}${path.delimiter}${process.env.PATH}`, DOCKER_STANDIN_ENGINE: 'down' });
    const r = await simq(['measure', run, '--vmaf-backend', 'docker', '--docker-image', IMAGE, ...viewports], { env });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stderr).toMatch(/Docker engine/);
    expect(r.stderr).toContain('fix:');
    expect(existsSync(path.join(run, 'quality.csv'))).toBe(false);
  });

  it('none: PSNR and SSIM still computed, VMAF cells empty (never 0), with a warning', async () => {
    const run = copyRun('none');
    const r = await simq(['measure', run, '--vmaf-backend', 'none', ...viewports]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/VMAF columns will be empty/);
    const rows = readCsv(path.join(run, 'quality.csv'));
    for (const [i, x] of rows.entries()) {
      expect(x.vmaf_mean).toBe('');
      expect(x.vmaf_min).toBe('');
      expect(x.psnr_y_mean).toBe(ffmpegRows[i].psnr_y_mean);
      expect(Number(x.ssim_mean)).toBeGreaterThan(0);
    }
  });
});

describe('errors', () => {
  it('a run directory that does not exist: exit 2', async () => {
    const missing = path.join(dir, 'nope');
    const r = await simq(['measure', missing]);
    expect(r.code).toBe(ExitCode.badInput);
    expect(r.stderr).toContain(missing);
  });

  it('an incomplete run and a layer that does not decode: the rest is measured, both named, exit 5', async () => {
    const run = copyRun('broken');
    const record = readJson<RunRecord>(path.join(run, 'run.json'));
    record.scenarios[1].status = 'failed';
    record.scenarios[1].error = 'Chromium exited during the capture';
    record.status = 'incomplete';
    writeFileSync(path.join(run, 'run.json'), JSON.stringify(record));
    // Keep the IVF header, replace the frames with noise.
    const q = path.join(run, 'all-layers.vp8', 'q.ivf');
    const bytes = readFileSync(q);
    for (let i = 64; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(q, bytes);
    // No VMAF: what is checked is which layers are measured (the backends are checked above).
    const r = await simq(['measure', run, '--vmaf-backend', 'none', ...viewports]);
    expect(r.code).toBe(ExitCode.incomplete);
    expect(r.stdout + r.stderr).toContain('top-off.vp8');
    expect(r.stdout + r.stderr).toMatch(/all-layers\.vp8 q/);
    const rows = readCsv(path.join(run, 'quality.csv'));
    expect(new Set(rows.map((x) => `${x.scenario_id} ${x.rid}`))).toEqual(
      new Set(['all-layers.vp8 h', 'all-layers.vp8 f']),
    );
    const measured = readJson<RunRecord>(path.join(run, 'run.json'));
    expect(measured.measure?.status).toBe('incomplete');
  });

  it('measurements are not replaced without --force', async () => {
    const run = copyRun('twice');
    const first = await simq(['measure', run, '--vmaf-backend', 'none', '--viewports', '320x180', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(path.join(run, 'quality.csv'), 'utf8');
    const again = await simq(['measure', run, '--vmaf-backend', 'none', '--quiet']);
    expect(again.code).toBe(ExitCode.output);
    expect(again.stderr).toContain('--force');
    expect(readFileSync(path.join(run, 'quality.csv'), 'utf8')).toBe(before);
  });

  it('--vmaf-backend ffmpeg with a model folder that lacks the model: exit with the folder named', async () => {
    const empty = mkdtempSync(path.join(dir, 'models-'));
    const r = await simq(['measure', copyRun('nomodel'), '--vmaf-backend', 'ffmpeg', '--vmaf-model-dir', empty]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(empty);
  });
});
