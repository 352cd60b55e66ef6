// Finding ffmpeg in an order that works offline, and what it can do.
//   --ffmpeg PATH, SIMQ_FFMPEG, ffmpeg-static (optional: its install downloads a binary and is
//   dropped when offline), @ffmpeg-installer/ffmpeg (binary inside the npm package), ffmpeg on PATH.
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { runProcess } from './process.js';

export type FfmpegSource = 'flag' | 'SIMQ_FFMPEG' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'PATH';

export interface FfmpegInfo {
  path: string;
  source: FfmpegSource;
  /** First line of `ffmpeg -version`, e.g. "ffmpeg version 4.1 ..." */
  versionLine: string;
  version: string;
  hasLibvmaf: boolean;
  /** 1 for libvmaf 1.x (needs model_path to a .pkl), 2 for libvmaf >= 2 (built-in models). */
  libvmafMajor?: 1 | 2;
  encoders: string[];
}

const require = createRequire(import.meta.url);

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

interface Candidate {
  path: string | undefined;
  source: FfmpegSource;
}

function packagedCandidates(): Candidate[] {
  const out: Candidate[] = [];
  try {
    const p = require('ffmpeg-static') as string | null;
    out.push({ path: p ?? undefined, source: 'ffmpeg-static' });
  } catch {
    // optional dependency not installed: normal when offline
  }
  try {
    const p = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    out.push({ path: p, source: '@ffmpeg-installer/ffmpeg' });
  } catch {
    // not installed for this platform
  }
  return out;
}

/** Where ffmpeg comes from, without running it. Throws when an explicit choice is wrong. */
export function locateFfmpeg(flag?: string, env: NodeJS.ProcessEnv = process.env): { path: string; source: FfmpegSource } {
  if (flag) {
    if (!existsSync(flag) || !isExecutable(flag)) throw new EnvironmentError(`--ffmpeg ${flag}: no executable file there`, 'pass the path of an ffmpeg binary, or leave --ffmpeg out to search');
    return { path: flag, source: 'flag' };
  }
  if (env.SIMQ_FFMPEG) {
    const p = env.SIMQ_FFMPEG;
    if (!existsSync(p) || !isExecutable(p)) throw new EnvironmentError(`SIMQ_FFMPEG=${p}: no executable file there`, 'unset SIMQ_FFMPEG or point it at an ffmpeg binary');
    return { path: p, source: 'SIMQ_FFMPEG' };
  }
  for (const c of packagedCandidates()) {
    if (c.path && existsSync(c.path) && isExecutable(c.path)) return { path: c.path, source: c.source };
  }
  const onPath = findOnPath('ffmpeg', env.PATH);
  if (onPath) return { path: onPath, source: 'PATH' };
  throw new EnvironmentError(
    'no ffmpeg found (looked at --ffmpeg, SIMQ_FFMPEG, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH)',
    'npm ci (installs @ffmpeg-installer/ffmpeg), or pass --ffmpeg /path/to/ffmpeg',
  );
}

const probed = new Map<string, Promise<FfmpegInfo>>();

/** Locates ffmpeg and asks it what it can do (cached per path). */
export function probeFfmpeg(flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<FfmpegInfo> {
  const located = locateFfmpeg(flag, env);
  let p = probed.get(located.path);
  if (!p) {
    p = describeFfmpeg(located.path, located.source);
    probed.set(located.path, p);
  }
  return p;
}

async function describeFfmpeg(binary: string, source: FfmpegSource): Promise<FfmpegInfo> {
  const version = await runProcess(binary, ['-hide_banner', '-version'], { timeoutMs: 20_000 });
  const text = version.stdout.toString('utf8');
  if (version.code !== 0 || !text.startsWith('ffmpeg version')) {
    throw new EnvironmentError(`${binary} (${source}) does not run as ffmpeg: ${version.stderr.trim() || text.slice(0, 200)}`, 'pass a working ffmpeg with --ffmpeg');
  }
  const versionLine = text.split('\n')[0];
  const versionMatch = /^ffmpeg version (\S+)/.exec(versionLine);
  const filters = (await runProcess(binary, ['-hide_banner', '-filters'], { timeoutMs: 20_000 })).stdout.toString('utf8');
  const hasLibvmaf = /^\s*\S+\s+libvmaf\s/m.test(filters);
  let libvmafMajor: 1 | 2 | undefined;
  if (hasLibvmaf) {
    const help = (await runProcess(binary, ['-hide_banner', '-h', 'filter=libvmaf'], { timeoutMs: 20_000 })).stdout.toString('utf8');
    libvmafMajor = libvmafMajorFromHelp(help);
  }
  const encodersText = (await runProcess(binary, ['-hide_banner', '-encoders'], { timeoutMs: 20_000 })).stdout.toString('utf8');
  const encoders = [...encodersText.matchAll(/^\s[VAS][.A-Z]{5}\s+(\S+)/gm)].map((m) => m[1]);
  return { path: binary, source, versionLine, version: versionMatch?.[1] ?? 'unknown', hasLibvmaf, libvmafMajor, encoders };
}

/** libvmaf generation from `ffmpeg -h filter=libvmaf` (also used on an ffmpeg inside a Docker image). */
export function libvmafMajorFromHelp(help: string): 1 | 2 {
  // ffmpeg built against libvmaf >= 2 has the `model` option (model=version=...|path=...);
  // builds against libvmaf 1.x only know `model_path` to a .pkl model file.
  return /^\s+model\s+<string>/m.test(help) ? 2 : 1;
}
