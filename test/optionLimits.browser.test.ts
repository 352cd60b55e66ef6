// A clip source that is not a regular file is refused at once, exit 2, no stack trace. capture finds and
// starts the browser (its headless probe) before it looks at the clip, so this needs a browser
// (CHROME_PATH pointing nowhere gives exit 3 first); the other option checks: optionLimits.cli.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { simq } from './helpers/simq.js';

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-option-limits-browser-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function refused(args: string[], message: RegExp) {
  const started = Date.now();
  const r = await simq(args, { timeoutMs: 30_000 });
  expect(r.code, r.stderr).toBe(ExitCode.badInput);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.stderr).not.toMatch(/scenario 1\//); // no capture started
  expect(Date.now() - started).toBeLessThan(15_000);
}

describe('a clip source that is not a regular file', () => {
  it('a FIFO is refused at once by capture', async () => {
    const fifo = path.join(tmp, 'fifo.mp4');
    execFileSync('mkfifo', [fifo]);
    await refused(['capture', fifo, '--out', tmp], /is a FIFO \(named pipe\), not a regular file/);
  });
});

