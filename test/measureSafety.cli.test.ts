// Nothing lost when two measures meet or a measure is stopped (the built CLI on the recorded capture,
// test/fixtures/capture-run; no browser): a second measure on a run is refused naming the first, which
// finishes with full tables; INT/TERM/HUP during measure leave a measure record marked incomplete, no
// work folder and no lock. The same for captures (with a browser): runSafety.browser.test.ts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { copyCaptureFixture } from './helpers/captureFixture.js';
import { leftovers, runStatus, start, waitFor } from './helpers/stageSafety.js';

let dir: string;
const outputs: string[] = [];

function copyRun(name: string): string {
  return copyCaptureFixture(path.join(dir, name));
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'simq-measure-safety-'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('measure', () => {
  it('two measures on one run: the second is refused with exit 6 naming the first; the first finishes with full tables', async () => {
    const run = copyRun('twice');
    const first = start(outputs, [
      'measure',
      run,
      '--vmaf-backend',
      'none',
      '--viewports',
      '320x180',
      '--allow-degraded',
    ]);
    const pid = await first.pid;
    await waitFor('the first measure to hold the run', () => existsSync(path.join(run, '.simq.lock')));
    const second = await start(outputs, [
      'measure',
      run,
      '--vmaf-backend',
      'none',
      '--viewports',
      '320x180',
      '--allow-degraded',
    ]).done;
    expect(second.code, second.stderr).toBe(ExitCode.output);
    expect(second.stderr).toContain(`pid ${pid}`);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    // One row per measured layer at its native size and at the one viewport: never header-only.
    const rows = readFileSync(path.join(run, 'quality.csv'), 'utf8').trim().split('\n');
    const measured = (runStatus(run)!.measure as { layers: { status: string }[] }).layers.filter(
      (l) => l.status === 'measured',
    ).length;
    expect(measured).toBeGreaterThan(0);
    expect(rows.length).toBe(1 + measured * 2);
    expect(leftovers(run)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s during measure: exit %i, a measure record marked incomplete, no work folder, no lock',
    async (signal, code) => {
      const run = copyRun(`measure-${signal}`);
      const m = start(outputs, ['measure', run, '--vmaf-backend', 'ffmpeg', '--viewports', '640x360']);
      const pid = await m.pid;
      await waitFor(
        'metric jobs to start',
        () => existsSync(path.join(run, '.measure-work')) && readdirSync(path.join(run, '.measure-work')).length > 0,
      );
      process.kill(pid, signal);
      const r = await m.done;
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`stopped by ${signal}`);
      const record = runStatus(run)!.measure as { status: string };
      expect(record.status).toBe('incomplete');
      expect(leftovers(run)).toEqual([]);
    },
  );
});
describe('no probe ends in an unexpected error', () => {
  it('none of the outputs above holds "unexpected error"', () => {
    // Two measures in the first test, one per signal in the second: stdout and stderr of each.
    expect(outputs.length).toBe(10);
    for (const o of outputs) expect(o).not.toMatch(/unexpected error/);
  });
});
