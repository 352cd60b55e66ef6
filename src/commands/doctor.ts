// `simq doctor`: one line per component with the exact fix when something is missing.
// Exit 0 only when `simq analyze` can run (Chromium that encodes, ffmpeg, the built page).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { probeBrowser } from '../capture/browserInfo.js';
import { ExitCode, SimqError } from '../errors.js';
import { dockerAvailable } from '../measure/vmaf/DockerVmaf.js';
import { findVmafModel } from '../measure/vmaf/VmafModels.js';
import { linksCheck } from '../link/netCapability.js';
import { pageDir } from '../paths.js';
import { CODECS } from '../scenario/ScenarioTypes.js';
import { probeFfmpeg, findOnPath, type FfmpegInfo } from '../tools/ffmpeg.js';
import { runProcess } from '../tools/process.js';
import { JANUS_INSTALL_FIX, locateJanus, parseJanusVersion } from '../sfu/janus/locateJanus.js';

export interface DoctorCheck {
  component: string;
  ok: boolean;
  /** Missing parts that do not stop `simq analyze` (VMAF, Docker). */
  optional: boolean;
  detail: string;
  fix?: string;
}

interface DoctorOptions {
  chrome?: string;
  firefox?: string;
  janus?: string;
  ffmpeg?: string;
  vmafModelDir?: string;
  json?: boolean;
}

function failure(component: string, e: unknown, optional = false): DoctorCheck {
  return {
    component,
    ok: false,
    optional,
    detail: (e as Error).message,
    fix: e instanceof SimqError ? e.fix : undefined,
  };
}

const FASTER_ENGINE =
  "put an ffmpeg built with libvmaf >= 2 on PATH (Homebrew's ffmpeg, a static Linux build with libvmaf, a container image's ffmpeg): simq prefers it without options; or point SIMQ_FFMPEG / --ffmpeg at it";

/** Which VMAF engine the measure stage will use, and how to get a faster one (docs/vmaf.md). */
export function engineCheck(f: FfmpegInfo): DoctorCheck {
  const others = (f.alternatives ?? []).map((a) =>
    a.error
      ? `${a.path} (${a.source}): does not run`
      : `${a.path} (${a.source}, ffmpeg ${a.version}): libvmaf ${a.hasLibvmaf ? (a.libvmafMajor === 2 ? '>= 2' : '1.x') : 'none'}`,
  );
  const also = others.length ? `; also found: ${others.join('; ')}` : '';
  const where = `ffmpeg ${f.version} at ${f.path} (${f.source})`;
  if (f.libvmafMajor === 2) {
    return {
      component: 'vmaf engine',
      ok: true,
      optional: true,
      detail: `libvmaf >= 2 in ${where}: the fast generation (built-in models, n_threads)${also}`,
    };
  }
  if (f.hasLibvmaf) {
    return {
      component: 'vmaf engine',
      ok: false,
      optional: true,
      detail: `libvmaf 1.x in ${where}: works, but libvmaf >= 2 measures 2-4x faster with the same scores (docs/vmaf.md)${also}`,
      fix: FASTER_ENGINE,
    };
  }
  return {
    component: 'vmaf engine',
    ok: false,
    optional: true,
    detail: `no libvmaf in ${where}${also}`,
    fix: FASTER_ENGINE,
  };
}

/** Janus, the SFU of --sfu janus: optional, simq runs without it. */
async function janusCheck(flag: string | undefined): Promise<DoctorCheck> {
  try {
    const j = locateJanus(flag);
    const r = await runProcess(j.path, ['--version'], { timeoutMs: 10_000 });
    const version = parseJanusVersion(r.stdout.toString('utf8') + r.stderr);
    if (!version)
      return {
        component: 'janus',
        ok: false,
        optional: true,
        detail: `${j.path} (${j.source}) does not report a Janus version (exit ${r.code})`,
        fix: JANUS_INSTALL_FIX,
      };
    return {
      component: 'janus',
      ok: true,
      optional: true,
      detail: `${version} at ${j.path} (${j.source}) (for --sfu janus)`,
    };
  } catch (e) {
    return { ...failure('janus', e, true), detail: `${(e as Error).message} (only needed for --sfu janus)` };
  }
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const [major] = process.versions.node.split('.').map(Number);
  checks.push({
    component: 'node',
    ok: major >= 20,
    optional: false,
    detail: `Node ${process.version}`,
    fix: major >= 20 ? undefined : 'install Node.js 20 or newer',
  });
  const page = path.join(pageDir(), 'harness.js');
  checks.push({
    component: 'simq build',
    ok: existsSync(page),
    optional: false,
    detail: existsSync(page) ? `loopback page built (${pageDir()})` : `${page} missing`,
    fix: existsSync(page) ? undefined : 'npm ci   (or npm run build)',
  });

  try {
    const b = await probeBrowser({ chrome: opts.chrome });
    const simqCodecs = CODECS.filter((c) => b.encodableCodecs.includes(c));
    const missing = CODECS.filter((c) => !b.encodableCodecs.includes(c));
    checks.push({
      component: 'chromium',
      ok: simqCodecs.length > 0,
      optional: false,
      detail: `${b.version} at ${b.path} (${b.source}); encodes ${simqCodecs.join(', ') || 'none of vp8, vp9, h264, av1'}${missing.length ? `; cannot encode ${missing.join(', ')}` : ''}`,
    });
  } catch (e) {
    checks.push(failure('chromium', e));
  }

  // Firefox is the second encoder (--browser firefox): optional, simq runs without it.
  try {
    const b = await probeBrowser({ firefox: opts.firefox }, process.env, 'firefox');
    const simqCodecs = CODECS.filter((c) => b.encodableCodecs.includes(c));
    checks.push({
      component: 'firefox',
      ok: simqCodecs.length > 0,
      optional: true,
      detail: `${b.version} at ${b.path} (${b.source}); encodes ${simqCodecs.join(', ') || 'none of vp8, vp9, h264, av1'} (for --browser firefox)`,
    });
  } catch (e) {
    checks.push(failure('firefox', e, true));
  }

  checks.push(await janusCheck(opts.janus));

  let libvmafMajor: 1 | 2 | undefined;
  try {
    const f = await probeFfmpeg(opts.ffmpeg);
    libvmafMajor = f.libvmafMajor;
    checks.push({
      component: 'ffmpeg',
      ok: true,
      optional: false,
      detail: `${f.version} at ${f.path} (${f.source}); libvmaf: ${f.hasLibvmaf ? (f.libvmafMajor === 2 ? '>= 2 (built-in models)' : '1.x (needs model files)') : 'no'}`,
    });
    checks.push(engineCheck(f));
    if (!f.hasLibvmaf) {
      checks.push({
        component: 'libvmaf',
        ok: false,
        optional: true,
        detail: `${f.path} has no libvmaf filter: VMAF needs --vmaf-backend docker or another ffmpeg (PSNR/SSIM still work)`,
        fix: 'npm ci (brings @ffmpeg-installer/ffmpeg with libvmaf), or --ffmpeg /path/to/ffmpeg-with-libvmaf',
      });
    }
  } catch (e) {
    checks.push(failure('ffmpeg', e));
  }

  if (libvmafMajor !== undefined) {
    const found = findVmafModel({ libvmafMajor, vmafModelDir: opts.vmafModelDir });
    checks.push({
      component: 'vmaf model',
      ok: found.ok,
      optional: true,
      detail: found.ok
        ? `${found.model!.name} (${found.model!.source}${found.model!.path ? `: ${found.model!.path}` : ''})`
        : `${found.problem}${found.wouldDownload?.length ? ` (would download ${found.wouldDownload.map((d) => d.url).join(', ')})` : ''}`,
      fix: found.ok ? undefined : found.fix,
    });
  }

  const dockerClient = findOnPath('docker');
  if (!dockerClient) {
    checks.push({
      component: 'docker',
      ok: false,
      optional: true,
      detail: 'no docker client (only needed for --vmaf-backend docker)',
      fix: 'install Docker to use --vmaf-backend docker',
    });
  } else {
    try {
      const d = await dockerAvailable({ timeoutMs: 5000 });
      checks.push({
        component: 'docker',
        ok: true,
        optional: true,
        detail: `client ${dockerClient}, engine ${d.serverVersion} answers`,
      });
    } catch (e) {
      checks.push(failure('docker', e, true));
    }
  }
  checks.push(await linksCheck());
  return checks;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check what simq needs (Chromium, ffmpeg, libvmaf and models, Docker, shaped links) and print the fix for what is missing',
    )
    .option('--chrome <path>', 'Chrome/Chromium binary to check')
    .option('--firefox <path>', 'Firefox binary to check (optional: for --browser firefox)')
    .option('--janus <path>', 'Janus binary to check (optional: for --sfu janus)')
    .option('--ffmpeg <path>', 'ffmpeg binary to check')
    .option('--vmaf-model-dir <dir>', 'VMAF model folder to check')
    .option('--json', 'print the checks as JSON on stdout')
    .action(async (opts: DoctorOptions) => {
      const checks = await runDoctor(opts);
      const canAnalyze = checks.every((c) => c.ok || c.optional);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ canAnalyze, checks }, null, 2) + '\n');
      } else {
        for (const c of checks) {
          const mark = c.ok ? 'ok     ' : c.optional ? 'warn   ' : 'MISSING';
          process.stdout.write(`${mark} ${c.component.padEnd(11)} ${c.detail}\n`);
          if (!c.ok && c.fix) process.stdout.write(`        ${''.padEnd(11)} fix: ${c.fix}\n`);
        }
        process.stdout.write(
          canAnalyze ? 'simq analyze can run.\n' : 'simq analyze cannot run until the MISSING lines are fixed.\n',
        );
      }
      process.exitCode = canAnalyze ? ExitCode.ok : ExitCode.environment;
    });
}
