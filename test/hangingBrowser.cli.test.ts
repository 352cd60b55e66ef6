// A browser binary that hangs (issue 24's probe: a hanging --chrome failed after 92 s, a hanging
// --firefox after 67 s). The stand-in is a shell script that never answers, the shape of Debian's
// /usr/bin/chromium wrapper stuck on something: the script waits on a child that holds its output.
// simq must name the binary within the --version wait (15 s) and leave neither process behind.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { runProcess } from '../src/tools/process.js';
import { simq } from './helpers/simq.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-hanging-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const clip = path.join(tmp, 'clip.mp4');
writeFileSync(clip, 'not read: the browser is looked at first');

function hangingBinary(name: string): string {
  const exe = path.join(tmp, name);
  writeFileSync(exe, '#!/bin/sh\nsleep 1000\n', { mode: 0o755 });
  return exe;
}

describe.concurrent('a browser binary that never answers', () => {
  it.each([
    ['chromium', ['--chrome']],
    ['firefox', ['--browser', 'firefox', '--firefox']],
  ] as const)(
    '%s: exit 3 naming the binary within the 15 s --version wait, and nothing of it left',
    async (name, flags) => {
      const exe = hangingBinary(`hangs-${name}`);
      const started = Date.now();
      const r = await simq(
        ['capture', clip, ...flags, exe, '--duration', '4', '--out', path.join(tmp, `out-${name}`)],
        {
          timeoutMs: 60_000,
        },
      );
      const took = Date.now() - started;
      expect(r.code, r.stderr).toBe(ExitCode.environment);
      expect(r.stderr).toContain(`${exe} (flag) did not answer --version within 15 s`);
      expect(r.stderr).toMatch(/\n {2}fix: /);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
      // Not a speed goal: the wait is 15 s, and without it the launch timeout alone is 60 s.
      expect(took, r.stderr).toBeLessThan(40_000);
      expect((await runProcess('pgrep', ['-f', exe])).stdout.toString().trim()).toBe('');
    },
    70_000,
  );
});
