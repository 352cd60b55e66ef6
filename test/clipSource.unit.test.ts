// A clip source simq hashes must be a regular file: a FIFO (no writer) would block the read for ever
// and /dev/zero never ends. Both are refused before a byte is read, and the hash of a large regular
// file stops when its signal aborts. No browser, no ffmpeg.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, InputError, InterruptedError } from '../src/errors.js';
import { sha256File } from '../src/input/prepareClip.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-clip-source-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('sha256File', () => {
  it('hashes a regular file as node:crypto does on its bytes', async () => {
    const f = path.join(tmp, 'clip.bin');
    writeFileSync(f, 'not a video, but bytes');
    expect(await sha256File(f)).toBe(createHash('sha256').update('not a video, but bytes').digest('hex'));
  });

  it('refuses a FIFO at once, naming it', async () => {
    const fifo = path.join(tmp, 'clip.mp4');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const err = (await sha256File(fifo).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.message).toContain('FIFO');
    expect(err.fix).toMatch(/save the video to a file/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses /dev/zero (a device) at once', async () => {
    await expect(sha256File('/dev/zero')).rejects.toThrow(/is a device, not a regular file/);
  });

  it('stops when its signal aborts (Ctrl-C during the hash of a large clip)', async () => {
    const big = path.join(tmp, 'big.mp4');
    writeFileSync(big, '');
    truncateSync(big, 8 * 1024 ** 3); // 8 GiB, sparse: longer to read than the test waits
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 50);
    const started = Date.now();
    const err = (await sha256File(big, controller.signal).catch((e: unknown) => e)) as InterruptedError;
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
