// `simq doctor` on this machine: each component found, versions as the tools themselves report them,
// and exit 3 with the fix when something simq needs is missing.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { locateChrome } from '../src/tools/chrome.js';
import { FFMPEG, simq, testEnv } from './helpers/simq.js';

interface Check {
  component: string;
  ok: boolean;
  optional: boolean;
  detail: string;
  fix?: string;
}

describe('simq doctor', () => {
  it('finds Chromium, ffmpeg with libvmaf 1.x and the model, and says analyze can run', async () => {
    const r = await simq(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { canAnalyze: boolean; checks: Check[] };
    expect(doc.canAnalyze).toBe(true);
    const by = (c: string) => doc.checks.find((x) => x.component === c)!;
    // The versions the tools print themselves.
    const chromium = execFileSync(locateChrome().path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(by('chromium').detail).toContain(/(\d+\.\d+\.\d+\.\d+)/.exec(chromium)![1]);
    for (const codec of ['vp8', 'vp9', 'h264', 'av1']) expect(by('chromium').detail).toContain(codec);
    const ffmpegVersion = /^ffmpeg version (\S+)/.exec(execFileSync(FFMPEG, ['-version'], { encoding: 'utf8' }))![1];
    expect(by('ffmpeg').detail).toContain(ffmpegVersion);
    expect(by('ffmpeg').detail).toContain('libvmaf: 1.x');
    expect(by('vmaf model').ok).toBe(true);
    // No Docker engine runs here: reported, not fatal.
    expect(by('docker').optional).toBe(true);
  });

  it('a missing Chromium: exit 3, the line says MISSING and how to fix it', async () => {
    const r = await simq(['doctor', '--chrome', '/nonexistent/chromium'], { env: testEnv() });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.stdout).toMatch(/MISSING\s+chromium\s+--chrome \/nonexistent\/chromium/);
    expect(r.stdout).toMatch(/fix: /);
    expect(r.stdout).toContain('cannot run');
  });
});
