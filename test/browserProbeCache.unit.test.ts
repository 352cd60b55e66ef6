// The browser probe's kept answer holds only for the same binary: each part of the key is changed on
// a real file and must make the answer unused. No browser: the "binary" is a file made here.
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeKey, readProbe, writeProbe } from '../src/capture/browserProbeCache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-probe-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const info: Parameters<typeof writeProbe>[1] = {
  name: 'chromium',
  path: '',
  source: 'PATH',
  version: '156.0.8078.129',
  userAgent: 'Mozilla/5.0',
  encodableCodecs: ['vp8', 'vp9', 'h264', 'av1'],
};
let n = 0;
/** A fresh folder for one case: the "binary" path in it (not yet made) and a cache of its own. */
function setUp() {
  const root = path.join(dir, `case-${n++}`);
  mkdirSync(root, { recursive: true });
  return { root, binary: path.join(root, 'chromium'), env: { SIMQ_CACHE_DIR: path.join(root, 'cache') } };
}

describe('the kept probe answer', () => {
  it('is read back for the same binary and version output', () => {
    const { binary, env } = setUp();
    writeFileSync(binary, '#!/bin/sh\necho Chromium 156\n');
    const key = probeKey('chromium', binary, 'Chromium 156')!;
    writeProbe(key, { ...info, path: binary }, env);
    expect(readProbe(key, env)?.encodableCodecs).toEqual(info.encodableCodecs);
    expect(readProbe(probeKey('chromium', binary, 'Chromium 156')!, env)).toBeDefined();
  });

  it('is not used when the version output, size, modification time or simq version differ', () => {
    const { binary, env } = setUp();
    writeFileSync(binary, '#!/bin/sh\necho Chromium 156\n');
    const key = probeKey('chromium', binary, 'Chromium 156')!;
    writeProbe(key, info, env);
    expect(readProbe(probeKey('chromium', binary, 'Chromium 157')!, env)).toBeUndefined();
    expect(readProbe({ ...key, simq: `${key.simq}-next` }, env)).toBeUndefined();
    const later = new Date(key.mtimeMs + 5000);
    utimesSync(binary, later, later);
    expect(readProbe(probeKey('chromium', binary, 'Chromium 156')!, env)).toBeUndefined();
    writeProbe(probeKey('chromium', binary, 'Chromium 156')!, info, env);
    appendFileSync(binary, '# upgraded\n');
    utimesSync(binary, later, later);
    expect(readProbe(probeKey('chromium', binary, 'Chromium 156')!, env)).toBeUndefined();
  });

  it('follows a link to the file it names: another target is another binary', () => {
    const { root, binary, env } = setUp();
    const a = path.join(root, 'chromium-a');
    const b = path.join(root, 'chromium-b');
    writeFileSync(a, 'A\n');
    writeFileSync(b, 'B\n');
    const same = new Date(1_700_000_000_000);
    for (const f of [a, b]) utimesSync(f, same, same);
    symlinkSync(a, binary);
    writeProbe(probeKey('chromium', binary, 'Chromium 156')!, info, env);
    rmSync(binary);
    symlinkSync(b, binary);
    expect(readProbe(probeKey('chromium', binary, 'Chromium 156')!, env)).toBeUndefined();
  });

  it('a kept file that is not an answer is ignored; a cache that cannot be written costs nothing', () => {
    const { root, binary, env } = setUp();
    writeFileSync(binary, 'x');
    const key = probeKey('chromium', binary, 'Chromium 156')!;
    writeProbe(key, info, env);
    const cacheDir = path.join(env.SIMQ_CACHE_DIR, 'browser-probes');
    const [file] = readdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, file!), JSON.stringify({ key, info: { ...info, encodableCodecs: 'vp8' } }));
    expect(readProbe(key, env)).toBeUndefined();
    writeFileSync(path.join(cacheDir, file!), '{ not json');
    expect(readProbe(key, env)).toBeUndefined();
    // A read-only cache folder (root ignores modes, so a file stands where the folder would be).
    const blocked = { SIMQ_CACHE_DIR: path.join(root, 'blocked') };
    writeFileSync(blocked.SIMQ_CACHE_DIR, '');
    chmodSync(blocked.SIMQ_CACHE_DIR, 0o444);
    expect(() => writeProbe(key, info, blocked)).not.toThrow();
    expect(readProbe(key, blocked)).toBeUndefined();
    expect(probeKey('chromium', path.join(root, 'missing'), 'x')).toBeUndefined();
  });
});
