// Option mistakes and absurd numbers are refused at once, with the allowed range, before a browser
// starts or a clip is prepared (the built CLI, no browser: each command must end within seconds
// with exit 2 and no stack trace). Ranges are the ones the messages promise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { simq, testEnv } from './helpers/simq.js';

let tmp: string;
let clip: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-option-limits-'));
  // Any regular file: every refusal below comes before the clip is opened.
  clip = path.join(tmp, 'clip.mp4');
  writeFileSync(clip, 'not read');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function refused(args: string[], message: RegExp, env?: NodeJS.ProcessEnv) {
  const started = Date.now();
  const r = await simq(args, { timeoutMs: 30_000, ...(env ? { env } : {}) });
  expect(r.code, r.stderr).toBe(ExitCode.badInput);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.stderr).not.toMatch(/scenario 1\//); // no capture started
  expect(Date.now() - started).toBeLessThan(15_000);
}

describe('analyze refuses before a browser starts', () => {
  it.each([
    [['--viewports', '641x360'], /--viewports 641x360: expected even WIDTHxHEIGHT sizes from 2x2 to 8192x8192/],
    [['--viewports', '99999x360'], /from 2x2 to 8192x8192/],
    [['--vmaf-subsample', '0'], /--vmaf-subsample 0: expected a whole number from 1 to 30/],
    [['--vmaf-subsample', '1e9'], /--vmaf-subsample 1e9: expected a whole number from 1 to 30/],
    [['--jobs', '1e9'], /--jobs 1e9: expected a whole number from 1 to 64/],
    [['--view', 'sideways'], /--view sideways: use displayed or encoded/],
    [['--duration', '1e308'], /--duration 1e308: expected a number > 0 and at most 3600/],
    [['--warmup', '1e9'], /--warmup 1e9: expected seconds from 0 to 600/],
    [['--size', '100000x100000'], /--size 100000x100000: expected WIDTHxHEIGHT from 2x2 to 8192x8192/],
    [['--shard', '1/100000000000000000000'], /the count must be at least 1 and at most 10000/],
    [
      ['--sweep', 'all-layers:h.maxBitrate=300k:1500k:1000000000'],
      /the count "1000000000" must be a whole number from 2 to 50/,
    ],
    [
      ['--sweep', 'all-layers:f.scaleResolutionDownBy=0.5'],
      /scaleResolutionDownBy must be >= 1 \(the spec forbids upscaling\), got 0\.5/,
    ],
  ])('%j', async (args, message) => {
    await refused(['analyze', clip, '--out', tmp, ...args], message);
  });

  it('a study file "duration": 1e308', async () => {
    const study = path.join(tmp, 'study.json');
    writeFileSync(study, JSON.stringify({ clips: [clip], duration: 1e308 }));
    await refused(['analyze', '--study', study, '--out', tmp], /"duration" must be seconds > 0 and at most 3600/);
  });

  it('--resume with --size, --warmup or --browser it would not apply', async () => {
    for (const [flag, value] of [
      ['--size', '640x360'],
      ['--warmup', '3'],
      ['--browser', 'firefox'],
    ]) {
      await refused(
        ['analyze', '--resume', path.join(tmp, 'some-run'), flag, value],
        new RegExp(`--resume .*: ${flag} ${value} would not apply`),
      );
    }
  });
});

describe("a study file's values are reported as the file's, not as flags never typed", () => {
  it.each([
    [{ codecs: ['h265'] }, /"codecs": h265/, /--codec/],
    [{ sweeps: ['h.maxBitrate=1k:2k:1000000000'] }, /"sweeps": h\.maxBitrate=1k:2k:1000000000: the count/, /--sweep/],
    [{ bandwidths: ['fast'] }, /"bandwidths": fast/, /--bandwidth/],
  ])('%j', async (values, message, flag) => {
    const study = path.join(tmp, `study-${Object.keys(values)[0]}.json`);
    writeFileSync(study, JSON.stringify({ clips: [clip], ...values }));
    const r = await simq(['analyze', '--study', study, '--out', tmp], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(ExitCode.badInput);
    expect(r.stderr).toContain(study);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(flag);
  });
});

describe('a clip source that is not a regular file', () => {
  // CHROME_PATH pointing nowhere: a browser looked for first would end with exit 3 (not found), so
  // exit 2 with the FIFO's message shows the clip was checked before any browser, ffmpeg or Janus.
  it('a FIFO is refused at once by capture, before a browser is looked for', async () => {
    const fifo = path.join(tmp, 'fifo.mp4');
    execFileSync('mkfifo', [fifo]);
    await refused(['capture', fifo, '--out', tmp], /is a FIFO \(named pipe\), not a regular file/, {
      ...testEnv(),
      CHROME_PATH: path.join(tmp, 'no-chromium'),
    });
  });
});
