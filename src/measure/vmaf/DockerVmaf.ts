// The docker backend ("vmaf via docker" in the design card): the measure graph runs in an ffmpeg
// with libvmaf inside a container, for machines whose own ffmpeg has no usable libvmaf.
//
//   docker run --rm -i --network none --user UID:GID \
//     -v RUN:RUN:ro -v WORK:WORK [-v MODEL:MODEL:ro ...] --entrypoint FFMPEG IMAGE <ffmpeg args>
//
// - `-i`: frames arrive on stdin (one rawvideo stream, distorted over reference), nothing else is read.
// - Only the run directory is visible, read-only, plus its measure work folder read-write for the
//   metric logs; both at the SAME absolute paths as on the host, so log_path/stats_file in the
//   filter graph need no translation. Model files (libvmaf 1.x images) are mounted one by one, read-only.
// - `--network none`: the job needs no network. `--user UID:GID`: logs belong to the user, not root.
// - `--entrypoint`: bypasses wrapper entrypoints (linuxserver/ffmpeg's runs a shell script that
//   changes users) and makes the image run exactly ffmpeg.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, InputError, SimqError } from '../../errors.js';
import { findOnPath, libvmafMajorFromHelp } from '../../tools/ffmpeg.js';
import { runProcess, tail } from '../../tools/process.js';
import { shellCommand } from '../../io/shellQuote.js';
import { metricMallocEnv } from '../../tools/mallocTuning.js';

/**
 * Default image: mwader/static-ffmpeg (github.com/wader/static-ffmpeg), pinned by tag.
 * Chosen because its Dockerfile builds libvmaf from a pinned Netflix release with
 * `-Dbuilt_in_models=true -Denable_float=true` (vmaf_v0.6.1 and vmaf_v0.6.1neg built in, so no
 * model files to mount), ffmpeg is one static binary in a FROM-scratch image (small pull, no shell,
 * nothing else runs), it is multi-arch (amd64, arm64), and its README documents exactly our call
 * shape (`docker run -i --rm -u $UID:$GROUPS -v "$PWD:$PWD" ...`). 7.1.1 is an ffmpeg release tag
 * widely used as a pinned base; its libvmaf is 3.x.
 * Its ffmpeg is /ffmpeg (not on PATH), hence the per-image entrypoint below.
 */
export const DEFAULT_DOCKER_IMAGE = 'mwader/static-ffmpeg:7.1.1';

/** ffmpeg's path inside an image: /ffmpeg in mwader/static-ffmpeg (FROM scratch, no PATH entry), else `ffmpeg` on PATH. */
export function ffmpegInImage(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repo = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  return /(^|\/)mwader\/static-ffmpeg$/.test(repo) ? '/ffmpeg' : 'ffmpeg';
}

export interface DockerRunSpec {
  image: string;
  /** ffmpeg inside the image (see ffmpegInImage). */
  entrypoint: string;
  /** The run directory, mounted read-only. */
  runDir: string;
  /** The measure work folder inside runDir, mounted read-write (metric logs are written there). */
  workDir: string;
  /** Extra host files mounted read-only at the same path (libvmaf 1.x model files). */
  readOnlyFiles?: readonly string[];
  /** Host uid/gid; undefined where the platform has none (Windows). */
  user?: { uid: number; gid: number };
}

function checkMountPath(p: string, what: string): string {
  if (!path.isAbsolute(p)) throw new SimqError(`${what} ${p} must be an absolute path`);
  // `-v host:container[:ro]` has no escaping: a ':' (or ',' for some engines) would split the spec.
  if (/[:,]/.test(p))
    throw new InputError(
      `${what} ${p} contains ':' or ',', which a docker -v mount cannot take`,
      'use a run directory path without those characters, or --vmaf-backend ffmpeg',
    );
  return path.resolve(p);
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The docker argv up to and including the image; the ffmpeg arguments follow it. */
export function dockerRunArgs(spec: DockerRunSpec): string[] {
  const runDir = checkMountPath(spec.runDir, 'run directory');
  const workDir = checkMountPath(spec.workDir, 'measure work folder');
  if (!inside(workDir, runDir) || workDir === runDir)
    throw new SimqError(`measure work folder ${workDir} must be a subfolder of the run directory ${runDir}`);
  const args = ['run', '--rm', '-i', '--network', 'none'];
  if (spec.user) args.push('--user', `${spec.user.uid}:${spec.user.gid}`);
  // glibc's allocator keeps libvmaf's per-picture buffers (mallocTuning.ts); the host's values win.
  for (const [k, v] of Object.entries(metricMallocEnv())) args.push('--env', `${k}=${v}`);
  args.push('-v', `${runDir}:${runDir}:ro`, '-v', `${workDir}:${workDir}`);
  const seen = new Set<string>();
  for (const f of spec.readOnlyFiles ?? []) {
    const file = checkMountPath(f, 'model file');
    if (inside(file, runDir) || seen.has(file)) continue;
    seen.add(file);
    args.push('-v', `${file}:${file}:ro`);
  }
  args.push('--entrypoint', spec.entrypoint, spec.image);
  return args;
}

export function hostUser(): { uid: number; gid: number } | undefined {
  return typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? { uid: process.getuid(), gid: process.getgid() }
    : undefined;
}

export interface DockerEngine {
  /** The docker client that was asked. */
  command: string;
  serverVersion: string;
}

export interface DockerCheckOptions {
  env?: NodeJS.ProcessEnv;
  /** How long the engine may take to answer (default 10 s). */
  timeoutMs?: number;
  /** A docker client path; default `docker` on PATH. */
  command?: string;
}

const NO_ENGINE_FIX =
  'start the Docker engine (e.g. `sudo systemctl start docker`, or open Docker Desktop), or use --vmaf-backend ffmpeg (an ffmpeg with libvmaf) or --vmaf-backend none';

/** Is there a docker client, and does its engine answer? Throws EnvironmentError with the fix otherwise. */
export async function dockerAvailable(options: DockerCheckOptions = {}): Promise<DockerEngine> {
  const env = options.env ?? process.env;
  const command = options.command ?? findOnPath('docker', env.PATH);
  if (!command || (options.command && !existsSync(options.command))) {
    throw new EnvironmentError(
      `no docker client found${options.command ? ` at ${options.command}` : ' on PATH'} (needed by --vmaf-backend docker)`,
      'install Docker (https://docs.docker.com/engine/install/), or use --vmaf-backend ffmpeg (an ffmpeg with libvmaf) or --vmaf-backend none',
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  let result;
  try {
    // Asks the engine, not just the client: --format {{.Server.Version}} fails when the daemon is down.
    result = await runProcess(command, ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs });
  } catch (e) {
    throw new EnvironmentError(`${command} could not be started: ${(e as Error).message}`, NO_ENGINE_FIX);
  }
  const out = result.stdout.toString('utf8').trim();
  if (result.signal) {
    throw new EnvironmentError(
      `the Docker engine did not answer \`docker version\` within ${Math.round(timeoutMs / 1000)} s`,
      NO_ENGINE_FIX,
    );
  }
  if (result.code !== 0 || !out) {
    throw new EnvironmentError(
      `the Docker engine is not answering (${command} version: ${tail(result.stderr, 3) || `exit code ${result.code}`})`,
      NO_ENGINE_FIX,
    );
  }
  return { command, serverVersion: out.split('\n')[0] };
}

export interface ImageFfmpeg {
  versionLine: string;
  version: string;
  hasLibvmaf: boolean;
  libvmafMajor?: 1 | 2;
}

/**
 * Asks the ffmpeg inside the image what it is, through the same docker argv the jobs use.
 * The first call may pull the image, hence the long default timeout.
 */
export async function probeImageFfmpeg(
  command: string,
  argsPrefix: readonly string[],
  image: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ImageFfmpeg> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  // Without -hide_banner, ffmpeg prints its version banner on stderr and the filter help on stdout.
  const result = await runProcess(command, [...argsPrefix, '-h', 'filter=libvmaf'], { env: options.env, timeoutMs });
  const stderr = result.stderr;
  const versionLine = stderr.split('\n').find((l) => l.startsWith('ffmpeg version')) ?? '';
  if (result.code !== 0 || !versionLine) {
    const why = result.signal
      ? `no answer within ${Math.round(timeoutMs / 1000)} s (pulling the image?)`
      : tail(stderr, 4) || `exit code ${result.code}`;
    // docker run exits 125 for its own errors (pull failed, bad option) and 127 when the entrypoint is not in the image.
    const fix =
      result.code === 127
        ? `the image has no ffmpeg at that entrypoint; pass an image with ffmpeg on PATH via --docker-image`
        : `${shellCommand(['docker', 'pull', image])}   (or pass another image with ffmpeg + libvmaf via --docker-image)`;
    throw new EnvironmentError(`ffmpeg in Docker image ${image} did not run: ${why}`, fix);
  }
  const help = result.stdout.toString('utf8');
  const hasLibvmaf = /^Filter libvmaf\b/m.test(help);
  return {
    versionLine,
    version: /^ffmpeg version (\S+)/.exec(versionLine)?.[1] ?? 'unknown',
    hasLibvmaf,
    libvmafMajor: hasLibvmaf ? libvmafMajorFromHelp(help) : undefined,
  };
}
