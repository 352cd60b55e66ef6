// Nothing lost with a browser: INT/TERM/HUP during capture and clip preparation, a forced capture
// interrupted (the old run stays) or finished (it is replaced), a SIGKILLed capture found stale by the
// next command, and a capture on a full disk. The run a forced capture replaces is a copy of the
// recorded capture (test/fixtures/capture-run). Two measures on one run and signals during measure:
// measureSafety.cli.test.ts. Run under the browser lock:
// flock /tmp/simq-browser.lock npx vitest run test/runSafety.browser.test.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { copyCaptureFixture } from './helpers/captureFixture.js';
import { leftovers, runStatus, start, waitFor } from './helpers/stageSafety.js';
import { cameraSample, FFMPEG, testEnv } from './helpers/simq.js';

let dir: string;
let clip: string;
let base: string;
const outputs: string[] = [];
const CAPTURE = ['--scenario', 'all-layers', '--duration', '3', '--warmup', '1', '--allow-degraded', '--quiet'];

const scenarioRunning = (runDir: string) => () =>
  runStatus(runDir)?.scenarios.some((s) => s.status === 'running') ?? false;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-run-safety-'));
  clip = await cameraSample(2);
  base = copyCaptureFixture(path.join(dir, 'base'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capture', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s during a capture: exit %i, the run marked incomplete, no .part file, no lock',
    async (signal, code) => {
      const out = path.join(dir, `capture-${signal}`);
      const c = start(outputs, ['capture', clip, ...CAPTURE, '--duration', '6', '--out', out, '--run-id', 'r']);
      const pid = await c.pid;
      await waitFor('the scenario to run', scenarioRunning(path.join(out, 'r')));
      await new Promise((r) => setTimeout(r, 2500));
      process.kill(pid, signal);
      const r = await c.done;
      expect(r.code, r.stderr).toBe(code);
      const run = runStatus(path.join(out, 'r'))!;
      expect(run.status).toBe('incomplete');
      expect(run.scenarios[0].status).toBe('incomplete');
      expect(leftovers(out)).toEqual([]);
    },
  );

  it('SIGINT during a forced capture: exit 130, the old run stays exactly as it was', async () => {
    const out = path.join(dir, 'forced');
    mkdirSync(out);
    cpSync(base, path.join(out, 'victim'), { recursive: true });
    writeFileSync(path.join(out, 'victim', 'quality.csv'), 'old results\n');
    const before = readFileSync(path.join(out, 'victim', 'run.json'), 'utf8');
    const c = start(outputs, [
      'capture',
      clip,
      ...CAPTURE,
      '--duration',
      '6',
      '--out',
      out,
      '--run-id',
      'victim',
      '--force',
    ]);
    const pid = await c.pid;
    await waitFor('the new run to capture', () =>
      readdirSync(out).some((n) => n.includes('simq-new') && scenarioRunning(path.join(out, n))()),
    );
    await new Promise((r) => setTimeout(r, 2500));
    process.kill(pid, 'SIGINT');
    const r = await c.done;
    expect(r.code, r.stderr).toBe(ExitCode.interrupted);
    expect(r.stderr).toContain('kept as it was');
    expect(readFileSync(path.join(out, 'victim', 'quality.csv'), 'utf8')).toBe('old results\n');
    expect(readFileSync(path.join(out, 'victim', 'run.json'), 'utf8')).toBe(before);
    expect(readdirSync(out)).toEqual(['victim']);
    expect(leftovers(out)).toEqual([]);
  });

  it('a forced capture that succeeds replaces the run, and only then', async () => {
    const out = path.join(dir, 'forced-ok');
    mkdirSync(out);
    cpSync(base, path.join(out, 'victim'), { recursive: true });
    writeFileSync(path.join(out, 'victim', 'quality.csv'), 'old results\n');
    const c = start(outputs, ['capture', clip, ...CAPTURE, '--out', out, '--run-id', 'victim', '--force']);
    await waitFor('the new run to capture', () =>
      readdirSync(out).some((n) => n.includes('simq-new') && scenarioRunning(path.join(out, n))()),
    );
    // While it runs, the old results are still there.
    expect(readFileSync(path.join(out, 'victim', 'quality.csv'), 'utf8')).toBe('old results\n');
    const r = await c.done;
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(out, 'victim', 'quality.csv'))).toBe(false);
    expect(runStatus(path.join(out, 'victim'))!.createdAt).not.toBe(runStatus(base)!.createdAt);
    expect(readdirSync(out)).toEqual(['victim']);
  });

  it('a SIGKILLed capture is found stale by the next command and marked incomplete', async () => {
    const out = path.join(dir, 'killed');
    const c = start(outputs, ['capture', clip, ...CAPTURE, '--duration', '6', '--out', out, '--run-id', 'r']);
    const pid = await c.pid;
    await waitFor('the scenario to run', scenarioRunning(path.join(out, 'r')));
    process.kill(pid, 'SIGKILL');
    await c.done;
    // The browser of the killed process is gone with its process group or soon after; wait for it.
    spawnSync('sleep', ['1']);
    expect(runStatus(path.join(out, 'r'))!.status).toBe('running');
    const r = await start(outputs, ['report', path.join(out, 'r')]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`pid ${pid}`);
    expect(runStatus(path.join(out, 'r'))!.status).toBe('incomplete');
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s while the clip is converted: exit %i, no temporary Y4M left in the cache', async (signal, code) => {
    const cache = path.join(dir, `cache-${signal}`);
    const big = path.join(dir, 'big.mp4');
    if (!existsSync(big)) {
      execFileSync(FFMPEG, [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=30:duration=20',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        big,
      ]);
    }
    const out = path.join(dir, `prep-${signal}`);
    const c = start(
      outputs,
      ['capture', big, ...CAPTURE, '--duration', '20', '--out', out, '--run-id', 'r'],
      testEnv({ SIMQ_CACHE_DIR: cache }),
    );
    const pid = await c.pid;
    const clips = path.join(cache, 'clips');
    await waitFor(
      'the conversion to start',
      () => existsSync(clips) && readdirSync(clips).some((n) => n.endsWith('.tmp')),
    );
    process.kill(pid, signal);
    const r = await c.done;
    expect(r.code, r.stderr).toBe(code);
    expect(readdirSync(clips)).toEqual([]);
    expect(existsSync(path.join(out, 'r'))).toBe(false);
  });
});

describe('capture on a full disk', () => {
  let disk: string;
  let mounted = false;
  beforeAll(() => {
    disk = path.join(dir, 'small');
    mkdirSync(disk);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=150k', 'tmpfs', disk]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [disk]);
  });

  it('ENOSPC: exit 6 with a message, never a stack trace; no .part, temp or empty files; the run not left running', async (ctx) => {
    if (!mounted) {
      console.warn('SKIPPED: cannot mount a tmpfs here (needs root); the full-disk capture check cannot run');
      return ctx.skip();
    }
    const r = await start(outputs, ['capture', clip, ...CAPTURE, '--out', disk, '--run-id', 'r']).done;
    expect(r.code, r.stderr).toBe(ExitCode.output);
    expect(r.stderr).toMatch(/ENOSPC/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(leftovers(disk)).toEqual([]);
    const run = runStatus(path.join(disk, 'r'));
    if (run) expect(run.status).not.toBe('running');
  });
});

describe('no probe ends in an unexpected error', () => {
  it('none of the outputs above holds "unexpected error"', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const o of outputs) expect(o).not.toMatch(/unexpected error/);
  });
});
