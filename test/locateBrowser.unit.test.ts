import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateChrome } from '../src/tools/chrome.js';
import { locateFirefox } from '../src/tools/firefox.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-locate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exe = path.join(dir, 'browser');
writeFileSync(exe, '#!/bin/sh\n');
chmodSync(exe, 0o755);
const plain = path.join(dir, 'not-executable');
writeFileSync(plain, '');

describe('browser binaries: the flag, then the variable, then standard locations, then PATH', () => {
  it.each([
    ['chromium', locateChrome, '--chrome', 'CHROME_PATH'],
    ['firefox', locateFirefox, '--firefox', 'FIREFOX_PATH'],
  ] as const)(
    '%s: the flag wins over the variable; either must name an executable file',
    (_name, locate, flag, variable) => {
      expect(locate(exe, { [variable]: plain })).toEqual({ path: exe, source: 'flag' });
      expect(locate(undefined, { [variable]: exe })).toEqual({ path: exe, source: variable });
      expect(() => locate(plain, {})).toThrow(`${flag} ${plain}: no executable file there`);
      expect(() => locate(undefined, { [variable]: path.join(dir, 'missing') })).toThrow(
        `${variable}=${path.join(dir, 'missing')}: no executable file there`,
      );
    },
  );
});
