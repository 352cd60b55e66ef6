// Files of one measure on a full disk: a real tmpfs of 1 MiB (mount needs root; without it the test
// says so and skips), filled until the new set cannot fit. writeFilesAtomic must fail with exit 6
// naming the file, leave the previous quality.csv, pictures.csv and run.json byte for byte, and
// leave no temporary file behind. Expected by construction: the previous bytes are known.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, OutputError } from '../src/errors.js';
import { writeFilesAtomic } from '../src/io/atomicWrite.js';

let base: string;
let mnt: string | undefined;
let why = '';

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'simq-full-disk-'));
  const dir = path.join(base, 'mnt');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    mnt = dir;
  } catch (e) {
    why = (e as Error).message.split('\n')[0];
  }
});
afterAll(() => {
  if (mnt) execFileSync('umount', [mnt]);
  rmSync(base, { recursive: true, force: true });
});

describe('writeFilesAtomic on a full disk', () => {
  it('fails naming the file; the previous set is unchanged and no temporary file is left', (ctx) => {
    if (!mnt) {
      console.warn(`SKIPPED: cannot mount a tmpfs here (${why}); run as root`);
      return ctx.skip();
    }
    const files = {
      quality: path.join(mnt, 'quality.csv'),
      pictures: path.join(mnt, 'pictures.csv'),
      run: path.join(mnt, 'run.json'),
    };
    const before = {
      quality: 'scenario_id,rid\nold,q\n',
      pictures: 'scenario_id,rid,display_index\nold,q,0\n',
      run: '{"old":true}\n',
    };
    for (const k of ['quality', 'pictures', 'run'] as const) writeFileSync(files[k], before[k]);
    // Fill the disk but for ~100 KiB: the new quality.csv fits, the new pictures.csv (300 KiB) does not.
    writeFileSync(path.join(mnt, 'filler'), Buffer.alloc(1024 * 1024 - 100 * 1024 - 3 * 4096));
    const err = (() => {
      try {
        writeFilesAtomic([
          { target: files.quality, data: 'scenario_id,rid\nnew,q\n'.repeat(100) },
          { target: files.pictures, data: Buffer.alloc(300 * 1024, 65) },
          { target: files.run, data: '{"new":true}\n' },
        ]);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as OutputError;
    expect(err).toBeInstanceOf(OutputError);
    expect(err.exitCode).toBe(ExitCode.output);
    expect(err.message).toContain(files.pictures);
    expect(err.message).toMatch(/ENOSPC: the disk is full/);
    for (const k of ['quality', 'pictures', 'run'] as const) expect(readFileSync(files[k], 'utf8'), k).toBe(before[k]);
    expect(readdirSync(mnt).sort()).toEqual(['filler', 'pictures.csv', 'quality.csv', 'run.json']);
  });
});
