// Which ffmpeg runs the measure stage's metric graph (libvmaf + psnr + ssim) and how libvmaf is
// configured: --vmaf-backend auto|ffmpeg|docker|none.
//
//   ffmpeg: the local ffmpeg (--ffmpeg, SIMQ_FFMPEG, packaged, PATH) with its libvmaf filter.
//   docker: ffmpeg + libvmaf inside an image (DockerVmaf.ts); frames still come from simq on stdin.
//   none:   the local ffmpeg without libvmaf; PSNR and SSIM are still computed, VMAF stays empty.
//   auto:   ffmpeg if its libvmaf has a usable model (downloading the pinned model into the cache
//           when needed), else docker if an engine answers, else none with a warning.
// The metric runner spawns `command` with `[...argsPrefix, ...ffmpegArgs]` and puts
// `libvmaf=${libvmafOptions}:log_path=...:log_fmt=json` in its graph (see libvmafFilter below).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError, InputError, SimqError } from '../../errors.js';
import { FfmpegCommand, filterValue } from '../../tools/FfmpegArgs.js';
import { probeFfmpeg, type FfmpegInfo } from '../../tools/ffmpeg.js';
import { runProcess, tail } from '../../tools/process.js';
import {
  DEFAULT_DOCKER_IMAGE,
  dockerAvailable,
  dockerRunArgs,
  ffmpegInImage,
  hostUser,
  probeImageFfmpeg,
} from './DockerVmaf.js';
import { CorruptModelError, ModelUnavailableError } from './modelDownload.js';
import { DEFAULT_VMAF_MODEL, libvmafModelOptions, resolveVmafModel, type ResolvedVmafModel } from './VmafModels.js';

import type { VmafBackend, VmafSetupDescription } from '../../rundir/MeasureTypes.js';

export type { VmafBackend, VmafSetupDescription };
export type VmafBackendChoice = 'auto' | 'ffmpeg' | 'docker' | 'none';
export const VMAF_BACKEND_CHOICES: readonly VmafBackendChoice[] = ['auto', 'ffmpeg', 'docker', 'none'];

export interface VmafSetupOptions {
  backend?: VmafBackendChoice;
  /** --ffmpeg */
  ffmpeg?: string;
  /** --vmaf-model: vmaf_v0.6.1 (default), vmaf_v0.6.1neg, or a model file path. */
  vmafModel?: string;
  /** --vmaf-model-dir */
  vmafModelDir?: string;
  /** --docker-image */
  dockerImage?: string;
  /** ffmpeg's path inside the image; default from the image name (see ffmpegInImage). */
  dockerEntrypoint?: string;
  /** The run directory (mounted read-only by the docker backend). Required when docker may be used. */
  runDir?: string;
  /** The measure work folder inside runDir, where metric logs are written (mounted read-write). */
  workDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Allow downloading the pinned model into the cache (default true). */
  download?: boolean;
  /** Run libvmaf once on two synthetic frames to prove the configuration works (default true). */
  smokeTest?: boolean;
  /** How long the Docker engine may take to answer `docker version` (default 10 s). */
  dockerTimeoutMs?: number;
  /** How long the first `docker run` may take, image pull included (default 10 min). */
  imageTimeoutMs?: number;
  /** Progress lines (model download, image check); the caller prints them on stderr. */
  log?: (line: string) => void;
}

export interface VmafSetup {
  backend: VmafBackend;
  /** Program to spawn: an ffmpeg, or the docker client. */
  command: string;
  /** Arguments before the ffmpeg arguments; for docker the `run ...` argv up to and including the image. */
  argsPrefix: string[];
  /** libvmaf filter options except log_path/log_fmt, escaped for a filter graph; undefined when VMAF is off. */
  libvmafOptions: string | undefined;
  libvmafMajor: 1 | 2 | undefined;
  model: ResolvedVmafModel | undefined;
  description: VmafSetupDescription;
  warnings: string[];
}

/** libvmaf did not run with the chosen options (smoke test). */
export class LibvmafFailedError extends EnvironmentError {
  constructor(message: string, fix?: string) {
    super(message, fix);
    this.name = 'LibvmafFailedError';
  }
}

export const VMAF_OFF_WARNING = 'VMAF columns will be empty; PSNR and SSIM are still computed';

/** The libvmaf filter for one job's graph, or undefined when VMAF is off. */
export function libvmafFilter(setup: VmafSetup, logPath: string): string | undefined {
  if (!setup.libvmafOptions) return undefined;
  return `libvmaf=${setup.libvmafOptions}:log_path=${filterValue(logPath)}:log_fmt=json`;
}

export async function resolveVmafSetup(options: VmafSetupOptions = {}): Promise<VmafSetup> {
  const choice = options.backend ?? 'auto';
  if (!VMAF_BACKEND_CHOICES.includes(choice)) {
    throw new InputError(
      `--vmaf-backend ${String(choice)}: expected one of ${VMAF_BACKEND_CHOICES.join(', ')}`,
      '--vmaf-backend auto',
    );
  }
  const env = options.env ?? process.env;
  switch (choice) {
    case 'none':
      return noneSetup(
        await probeFfmpeg(options.ffmpeg, env),
        `VMAF is off (--vmaf-backend none): ${VMAF_OFF_WARNING}`,
      );
    case 'ffmpeg': {
      const local = await probeFfmpeg(options.ffmpeg, env);
      if (!local.hasLibvmaf) {
        throw new EnvironmentError(
          `--vmaf-backend ffmpeg: ${local.path} (${local.source}, ffmpeg ${local.version}) has no libvmaf filter`,
          'npm ci (brings @ffmpeg-installer/ffmpeg, whose ffmpeg has libvmaf), or --ffmpeg /path/to/ffmpeg-with-libvmaf, or --vmaf-backend docker',
        );
      }
      return ffmpegSetup(local, options);
    }
    case 'docker':
      return dockerSetup(options);
    case 'auto':
      return autoSetup(options);
  }
}

async function autoSetup(options: VmafSetupOptions): Promise<VmafSetup> {
  const env = options.env ?? process.env;
  const local = await probeFfmpeg(options.ffmpeg, env);
  const reasons: string[] = [];
  if (local.hasLibvmaf) {
    try {
      return await ffmpegSetup(local, options);
    } catch (e) {
      // A wrong flag or a corrupt model file the user pointed to is theirs to fix: stop. A model
      // that is merely unavailable (offline, no cache) or a libvmaf that fails lets docker try.
      if (!(e instanceof ModelUnavailableError || e instanceof LibvmafFailedError)) throw e;
      reasons.push(e.message);
    }
  } else {
    reasons.push(`${local.path} (ffmpeg ${local.version}) has no libvmaf filter`);
  }
  try {
    return await dockerSetup(options);
  } catch (e) {
    if (!(e instanceof EnvironmentError) || e instanceof CorruptModelError) throw e;
    reasons.push(e.message);
  }
  return noneSetup(local, `no VMAF backend available (${reasons.join('; ')}): ${VMAF_OFF_WARNING}`);
}

function noneSetup(local: FfmpegInfo, warning: string): VmafSetup {
  return {
    backend: 'none',
    command: local.path,
    argsPrefix: [],
    libvmafOptions: undefined,
    libvmafMajor: undefined,
    model: undefined,
    description: {
      backend: 'none',
      ffmpeg: { path: local.path, source: local.source, version: local.version },
      vmafOff: warning,
    },
    warnings: [warning],
  };
}

function modelWarnings(model: ResolvedVmafModel, options: VmafSetupOptions, where: string): string[] {
  const out: string[] = [];
  if (model.neg && model.libvmafMajor === 1) {
    // Observed with ffmpeg 4.1 + libvmaf 1.3.7: vmaf_float_v0.6.1neg.pkl loads, and on a noisy
    // testsrc2 pair it scores exactly what vmaf_float_v0.6.1.pkl scores (75.368315 both).
    out.push(
      `${model.name} with libvmaf 1.x (${where}): the model loads, but its enhancement-gain limits are applied only by libvmaf >= 2, so scores equal ${DEFAULT_VMAF_MODEL}; for NEG scores use an ffmpeg with libvmaf >= 2 or --vmaf-backend docker`,
    );
  }
  if (model.libvmafMajor === 2 && options.vmafModelDir && model.source === 'built-in') {
    out.push(
      `--vmaf-model-dir ${options.vmafModelDir} is not used: libvmaf >= 2 (${where}) has ${model.name} built in`,
    );
  }
  return out;
}

function describeModel(model: ResolvedVmafModel, version: string | undefined): VmafSetupDescription['libvmaf'] {
  return {
    major: model.libvmafMajor,
    version,
    model: model.name,
    modelSource: model.source,
    modelPath: model.path,
    modelSha256: model.sha256,
  };
}

/** The model for a libvmaf generation, from the user's options (may download into the cache). */
function modelFor(libvmafMajor: 1 | 2, options: VmafSetupOptions, env: NodeJS.ProcessEnv): Promise<ResolvedVmafModel> {
  return resolveVmafModel({
    libvmafMajor,
    vmafModel: options.vmafModel,
    vmafModelDir: options.vmafModelDir,
    env,
    cwd: options.cwd,
    download: options.download,
    onDownload: (url) => options.log?.(`downloading VMAF model ${url}`),
  });
}

async function ffmpegSetup(local: FfmpegInfo, options: VmafSetupOptions): Promise<VmafSetup> {
  const env = options.env ?? process.env;
  const major = local.libvmafMajor ?? 1;
  const model = await modelFor(major, options, env);
  const libvmafOptions = libvmafModelOptions(model);
  const version =
    options.smokeTest !== false
      ? await smokeTest(local.path, [], libvmafOptions, env, `${local.path} (ffmpeg ${local.version})`, os.tmpdir())
      : undefined;
  return {
    backend: 'ffmpeg',
    command: local.path,
    argsPrefix: [],
    libvmafOptions,
    libvmafMajor: major,
    model,
    description: {
      backend: 'ffmpeg',
      ffmpeg: { path: local.path, source: local.source, version: local.version },
      libvmaf: describeModel(model, version),
    },
    warnings: modelWarnings(model, options, `ffmpeg ${local.version}`),
  };
}

async function dockerSetup(options: VmafSetupOptions): Promise<VmafSetup> {
  const env = options.env ?? process.env;
  if (!options.runDir || !options.workDir)
    throw new SimqError('the docker VMAF backend needs the run directory and the measure work folder');
  const engine = await dockerAvailable({ env, timeoutMs: options.dockerTimeoutMs });
  const runDir = path.resolve(options.runDir);
  const workDir = path.resolve(options.workDir);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory())
    throw new InputError(`run directory ${runDir} does not exist`, 'pass the run directory that simq capture wrote');
  // Create the work folder as the user first: for a missing -v source, the engine would create it owned by root.
  mkdirSync(workDir, { recursive: true });
  const image = options.dockerImage ?? DEFAULT_DOCKER_IMAGE;
  const entrypoint = options.dockerEntrypoint ?? ffmpegInImage(image);
  const spec = { image, entrypoint, runDir, workDir, user: hostUser() };

  options.log?.(`checking ffmpeg in Docker image ${image} (the first use pulls it)`);
  const inImage = await probeImageFfmpeg(engine.command, dockerRunArgs(spec), image, {
    env,
    timeoutMs: options.imageTimeoutMs,
  });
  if (!inImage.hasLibvmaf || !inImage.libvmafMajor) {
    throw new EnvironmentError(
      `ffmpeg ${inImage.version} in Docker image ${image} has no libvmaf filter`,
      `--docker-image IMAGE with an ffmpeg built with --enable-libvmaf (default ${DEFAULT_DOCKER_IMAGE})`,
    );
  }
  // An image with libvmaf 1.x has no built-in model: the host's model files are mounted read-only.
  const model = await modelFor(inImage.libvmafMajor, options, env);
  const argsPrefix = dockerRunArgs({ ...spec, readOnlyFiles: model.files });
  const libvmafOptions = libvmafModelOptions(model);
  const where = `ffmpeg ${inImage.version} in ${image}`;
  const version =
    options.smokeTest !== false
      ? await smokeTest(engine.command, argsPrefix, libvmafOptions, env, where, workDir)
      : undefined;
  return {
    backend: 'docker',
    command: engine.command,
    argsPrefix,
    libvmafOptions,
    libvmafMajor: inImage.libvmafMajor,
    model,
    description: {
      backend: 'docker',
      ffmpeg: { path: entrypoint, source: `docker image ${image}`, version: inImage.version },
      libvmaf: describeModel(model, version),
      docker: { image, entrypoint, client: engine.command, serverVersion: engine.serverVersion },
    },
    warnings: modelWarnings(model, options, where),
  };
}

/**
 * Runs libvmaf on two synthetic frames with the chosen options: a missing built-in model, an
 * unreadable .pkl or a broken image fails here with one clear message instead of in every job.
 * Returns libvmaf's version from the "version" field of its JSON log (1.3.7 and >= 2 both write it).
 */
async function smokeTest(
  command: string,
  argsPrefix: readonly string[],
  libvmafOptions: string,
  env: NodeJS.ProcessEnv,
  where: string,
  logDir: string,
): Promise<string | undefined> {
  // 320x180: libvmaf's feature extractors need a few pyramid levels; tiny frames are not representative.
  const source = 'testsrc2=size=320x180:rate=25';
  const dir = mkdtempSync(path.join(logDir, 'simq-vmaf-smoke-'));
  const log = path.join(dir, 'vmaf.json');
  const ffmpegArgs = new FfmpegCommand()
    .input(source, { format: 'lavfi' })
    .input(source, { format: 'lavfi' })
    .filterComplex(`[0:v][1:v]libvmaf=${libvmafOptions}:log_path=${filterValue(log)}:log_fmt=json`)
    .output('-', { format: 'null', frames: 2 })
    .args();
  let result;
  try {
    result = await runProcess(command, [...argsPrefix, ...ffmpegArgs], { env, timeoutMs: 120_000 });
    if (result.code !== 0) {
      throw new LibvmafFailedError(
        `libvmaf with ${libvmafOptions} failed in ${where}: ${tail(result.stderr, 4) || `exit code ${result.code ?? result.signal}`}`,
        'check the model (--vmaf-model / --vmaf-model-dir), or choose another backend with --vmaf-backend',
      );
    }
    return libvmafVersionFromLog(log);
  } catch (e) {
    if (e instanceof SimqError) throw e;
    throw new EnvironmentError(`${command} could not be started: ${(e as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The "version" field of a libvmaf JSON log, or undefined when the log is missing or has none. */
export function libvmafVersionFromLog(logPath: string): string | undefined {
  try {
    const v = (JSON.parse(readFileSync(logPath, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' && v ? v : undefined;
  } catch {
    return undefined;
  }
}
