// The probe's answer (version, user agent, codecs the browser can encode) kept per browser binary, so a
// capture starts one browser, not two. Starting a headless browser only to ask it costs about 2.5 s
// and as much CPU here; the answer changes only with the binary. It is reused while the binary is the
// same file (resolved path, size, modification time) and prints the same --version, which a Debian
// wrapper script (/usr/bin/chromium) does after an upgrade of the binary it starts.
// `simq doctor` never reads it: it always starts the browser.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageVersion, simqCacheDir } from '../paths.js';
import type { BrowserInfo } from './browserInfo.js';

/** What must be the same for a kept answer to hold. */
export interface ProbeKey {
  simq: string;
  name: string;
  path: string;
  realPath: string;
  size: number;
  mtimeMs: number;
  versionOutput: string;
}

/** The key for a browser binary, or undefined when the file cannot be read (nothing is kept then). */
export function probeKey(name: string, binary: string, versionOutput: string): ProbeKey | undefined {
  try {
    const realPath = realpathSync(binary);
    const st = statSync(realPath);
    return { simq: packageVersion(), name, path: binary, realPath, size: st.size, mtimeMs: st.mtimeMs, versionOutput };
  } catch {
    return undefined;
  }
}

function fileFor(key: ProbeKey, env: NodeJS.ProcessEnv): string {
  const id = createHash('sha256').update(`${key.name}\0${key.path}`).digest('hex').slice(0, 16);
  return path.join(simqCacheDir('browser-probes', env), `${key.name}-${id}.json`);
}

const sameKey = (a: unknown, b: ProbeKey) =>
  typeof a === 'object' &&
  a !== null &&
  (Object.keys(b) as (keyof ProbeKey)[]).every((k) => (a as Record<string, unknown>)[k] === b[k]);

function isInfo(v: unknown): v is BrowserInfo {
  const i = v as BrowserInfo;
  return (
    typeof i === 'object' &&
    i !== null &&
    typeof i.version === 'string' &&
    typeof i.path === 'string' &&
    Array.isArray(i.encodableCodecs) &&
    i.encodableCodecs.every((c) => typeof c === 'string')
  );
}

/** The kept answer for this key, or undefined (none, another binary, or a file that is not one). */
export function readProbe(key: ProbeKey, env: NodeJS.ProcessEnv = process.env): BrowserInfo | undefined {
  try {
    const kept = JSON.parse(readFileSync(fileFor(key, env), 'utf8')) as { key?: unknown; info?: unknown };
    return sameKey(kept.key, key) && isInfo(kept.info) ? kept.info : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the answer; a cache that cannot be written (read-only home, full disk) only costs the next probe. */
export function writeProbe(key: ProbeKey, info: BrowserInfo, env: NodeJS.ProcessEnv = process.env): void {
  const file = fileFor(key, env);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, `${JSON.stringify({ key, info }, null, 2)}\n`);
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // no folder, so no file either
    }
  }
}
