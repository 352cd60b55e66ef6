// Finding ffmpeg, and what it can do.
//   An explicit choice wins: --ffmpeg PATH, then SIMQ_FFMPEG.
//   Otherwise every candidate is probed: ffmpeg on PATH, ffmpeg-static (optional: its install
//   downloads a binary and is dropped when offline), @ffmpeg-installer/ffmpeg (binary inside the
//   npm package). The measure stage costs most of a run and libvmaf >= 2 is 2-4x faster than 1.x
//   with the same scores, so the one with libvmaf >= 2 is taken, then libvmaf 1.x, then any; ties
//   keep that order.
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';
import { simqCacheDir } from '../paths.js';
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
  /** The other candidates probed when nothing was chosen explicitly (simq doctor lists them). */
  alternatives?: FfmpegCandidateInfo[];
}

/** A candidate that was probed but not chosen (or could not be probed). */
export interface FfmpegCandidateInfo {
  path: string;
  source: FfmpegSource;
  version?: string;
  hasLibvmaf?: boolean;
  libvmafMajor?: 1 | 2;
  /** Why it could not be used, when it does not run as ffmpeg. */
  error?: string;
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
    out.push({ path: runnable(p), source: '@ffmpeg-installer/ffmpeg' });
  } catch {
    // not installed for this platform
  }
  return out;
}

/**
 * The packaged binary, made executable when its install script did not run. @ffmpeg-installer's
 * platform package ships ffmpeg without the x bit and sets it in its install script
 * (`chmod u+x ffmpeg`), which `npm install --ignore-scripts` and npm 11's unapproved-scripts rule
 * skip. simq sets u+x itself where it may; where the package folder is not its to change (a
 * root-owned global install), it runs a copy in its cache (~/.cache/simq/ffmpeg/<size>-<mtime>/ffmpeg).
 */
function runnable(binary: string): string {
  if (!existsSync(binary) || isExecutable(binary)) return binary;
  try {
    chmodSync(binary, statSync(binary).mode | 0o100);
    if (isExecutable(binary)) return binary;
  } catch {
    // not ours to change: fall through to the cached copy
  }
  try {
    const st = statSync(binary);
    const dir = path.join(simqCacheDir('ffmpeg'), `${st.size}-${Math.round(st.mtimeMs)}`);
    const copy = path.join(dir, 'ffmpeg');
    if (isExecutable(copy)) return copy;
    mkdirSync(dir, { recursive: true });
    const tmp = `${copy}.${process.pid}.tmp`;
    copyFileSync(binary, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, copy);
    return copy;
  } catch {
    return binary; // reported by doctor as not executable, with the fix
  }
}

/** An explicit --ffmpeg / SIMQ_FFMPEG, checked; undefined when neither is given. */
function explicitFfmpeg(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): { path: string; source: FfmpegSource } | undefined {
  if (flag) {
    if (!existsSync(flag) || !isExecutable(flag))
      throw new EnvironmentError(
        `--ffmpeg ${flag}: no executable file there`,
        'pass the path of an ffmpeg binary, or leave --ffmpeg out to search',
      );
    return { path: flag, source: 'flag' };
  }
  if (env.SIMQ_FFMPEG) {
    const p = env.SIMQ_FFMPEG;
    if (!existsSync(p) || !isExecutable(p))
      throw new EnvironmentError(
        `SIMQ_FFMPEG=${p}: no executable file there`,
        'unset SIMQ_FFMPEG or point it at an ffmpeg binary',
      );
    return { path: p, source: 'SIMQ_FFMPEG' };
  }
  return undefined;
}

function notFound(): EnvironmentError {
  return new EnvironmentError(
    'no ffmpeg found (looked at --ffmpeg, SIMQ_FFMPEG, PATH, ffmpeg-static, @ffmpeg-installer/ffmpeg)',
    'npm ci (installs @ffmpeg-installer/ffmpeg), or pass --ffmpeg /path/to/ffmpeg',
  );
}

/** Every executable candidate in tie order (PATH, ffmpeg-static, @ffmpeg-installer), one per real file. */
export function ffmpegCandidates(env: NodeJS.ProcessEnv = process.env): { path: string; source: FfmpegSource }[] {
  const all: Candidate[] = [{ path: findOnPath('ffmpeg', env.PATH), source: 'PATH' }, ...packagedCandidates()];
  const seen = new Set<string>();
  const out: { path: string; source: FfmpegSource }[] = [];
  for (const c of all) {
    if (!c.path || !existsSync(c.path) || !isExecutable(c.path)) continue;
    const real = realpathSync(c.path);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ path: c.path, source: c.source });
  }
  return out;
}

/**
 * Where ffmpeg comes from, without running it: the explicit choice, else the first candidate.
 * Throws when an explicit choice is wrong. probeFfmpeg is what the stages use: it also ranks the
 * candidates by libvmaf generation.
 */
export function locateFfmpeg(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; source: FfmpegSource } {
  const explicit = explicitFfmpeg(flag, env);
  if (explicit) return explicit;
  const first = ffmpegCandidates(env)[0];
  if (!first) throw notFound();
  return first;
}

const probed = new Map<string, Promise<FfmpegInfo>>();

/** Forgets what earlier probes found (tests that swap the executable behind a path). */
export function clearFfmpegProbes(): void {
  probed.clear();
}

function describeCached(binary: string, source: FfmpegSource, env: NodeJS.ProcessEnv): Promise<FfmpegInfo> {
  const key = `${source}\0${binary}`;
  let p = probed.get(key);
  if (!p) {
    p = describeFfmpeg(binary, source, env);
    probed.set(key, p);
  }
  return p;
}

/** Lower is better: libvmaf >= 2, then libvmaf 1.x, then no libvmaf. */
export function engineRank(info: Pick<FfmpegInfo, 'hasLibvmaf' | 'libvmafMajor'>): number {
  if (!info.hasLibvmaf) return 2;
  return info.libvmafMajor === 2 ? 0 : 1;
}

/** Locates ffmpeg and asks it what it can do (cached per path): the explicit one, else the best candidate. */
export async function probeFfmpeg(flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<FfmpegInfo> {
  const explicit = explicitFfmpeg(flag, env);
  if (explicit) return describeCached(explicit.path, explicit.source, env);
  const candidates = ffmpegCandidates(env);
  if (candidates.length === 0) throw notFound();
  const results = await Promise.allSettled(candidates.map((c) => describeCached(c.path, c.source, env)));
  const usable = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (usable.length === 0) throw (results[0] as PromiseRejectedResult).reason;
  // A stable sort keeps the tie order among candidates of the same generation.
  const best = [...usable].sort((a, b) => engineRank(a) - engineRank(b))[0];
  const alternatives: FfmpegCandidateInfo[] = candidates.flatMap((c, i): FfmpegCandidateInfo[] => {
    const r = results[i];
    if (r.status === 'rejected') return [{ ...c, error: (r.reason as Error).message }];
    if (r.value === best) return [];
    return [{ ...c, version: r.value.version, hasLibvmaf: r.value.hasLibvmaf, libvmafMajor: r.value.libvmafMajor }];
  });
  return { ...best, alternatives };
}

async function describeFfmpeg(binary: string, source: FfmpegSource, env: NodeJS.ProcessEnv): Promise<FfmpegInfo> {
  const version = await runProcess(binary, ['-hide_banner', '-version'], { timeoutMs: 20_000, env });
  const text = version.stdout.toString('utf8');
  if (version.code !== 0 || !text.startsWith('ffmpeg version')) {
    throw new EnvironmentError(
      `${binary} (${source}) does not run as ffmpeg: ${version.stderr.trim() || text.slice(0, 200)}`,
      'pass a working ffmpeg with --ffmpeg',
    );
  }
  const versionLine = text.split('\n')[0];
  const versionMatch = /^ffmpeg version (\S+)/.exec(versionLine);
  const filters = (await runProcess(binary, ['-hide_banner', '-filters'], { timeoutMs: 20_000, env })).stdout.toString(
    'utf8',
  );
  const hasLibvmaf = /^\s*\S+\s+libvmaf\s/m.test(filters);
  let libvmafMajor: 1 | 2 | undefined;
  if (hasLibvmaf) {
    const help = (
      await runProcess(binary, ['-hide_banner', '-h', 'filter=libvmaf'], { timeoutMs: 20_000, env })
    ).stdout.toString('utf8');
    libvmafMajor = libvmafMajorFromHelp(help);
  }
  const encodersText = (
    await runProcess(binary, ['-hide_banner', '-encoders'], { timeoutMs: 20_000, env })
  ).stdout.toString('utf8');
  const encoders = [...encodersText.matchAll(/^\s[VAS][.A-Z]{5}\s+(\S+)/gm)].map((m) => m[1]);
  return {
    path: binary,
    source,
    versionLine,
    version: versionMatch?.[1] ?? 'unknown',
    hasLibvmaf,
    libvmafMajor,
    encoders,
  };
}

/** libvmaf generation from `ffmpeg -h filter=libvmaf` (also used on an ffmpeg inside a Docker image). */
export function libvmafMajorFromHelp(help: string): 1 | 2 {
  // ffmpeg built against libvmaf >= 2 has the `model` option (model=version=...|path=...);
  // builds against libvmaf 1.x only know `model_path` to a .pkl model file.
  return /^\s+model\s+<string>/m.test(help) ? 2 : 1;
}
