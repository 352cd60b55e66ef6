// `npm run bench:measure [-- RUN_DIR]`: the measure stage on a captured run against bare ffmpeg
// libvmaf + psnr + ssim jobs over the same pictures at the same sizes, with the same parallelism
// and libvmaf threads. Prints wall seconds, CPU-seconds per picture (user + system of every process:
// Node itself plus all child processes it waited for) and the ratios. Not a test: shared machines
// are noisy, so compare ratios, not seconds.
//
// Without RUN_DIR it first captures the default run (camera sample, all-layers, 3 layers, 10 s):
// that starts a browser, so on a shared machine run it under the browser lock, e.g.
//   SIMQ_BROWSER_LOCK=/tmp/simq-browser.lock npm run bench:measure
// (the lock is then held for the capture only). The run is copied: the bench never writes into it.
//
// Bare jobs: the pictures simq measured (pictures.csv: decoded frame and source frame of each picture,
// per layer and size) are decoded, paired and scaled with simq's scaler into raw files first (not
// timed), then `ffmpeg -f rawvideo dist -f rawvideo ref -filter_complex libvmaf,psnr,ssim` per job.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_VIEWPORTS, defaultJobs, runMeasureStage } from '../measure/measureStage.js';
import { runInOrder } from '../measure/jobQueue.js';
import {
  LEGACY_PICTURES_CSV,
  MEASURE_WORK_DIR,
  PICTURES_CSV,
  QUALITY_CSV,
  RUN_JSON,
  workDir,
} from '../rundir/RunFiles.js';
import { resolveVmafSetup } from '../measure/vmaf/VmafSetup.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { metricProcessEnv } from '../tools/mallocTuning.js';
import type { Progress } from '../ui/progress.js';
import { bareJobs, prepareBareJob, runBareJob, type BareJob } from './bareJobs.js';
import { cpuNow, cpuSince } from './cpuTime.js';

const quiet: Progress = {
  update: () => undefined,
  done: () => undefined,
  info: () => undefined,
  warn: (l: string) => console.error(l),
} as unknown as Progress;

function captureDefaultRun(parent: string): string {
  const bin = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'bin', 'simq');
  const capture = [process.execPath, bin, 'capture', '-o', parent, '--run-id', 'bench', '--allow-degraded', '--quiet'];
  const lock = process.env.SIMQ_BROWSER_LOCK;
  const argv = lock ? ['flock', lock, ...capture] : capture;
  console.log(`capturing the default run${lock ? ` (under ${lock})` : ''} ...`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`simq capture failed (exit ${r.status})`);
  return path.join(parent, 'bench');
}

function line(label: string, wallS: number, cpuS: number, pictures: number): string {
  return `${label.padEnd(34)} ${wallS.toFixed(1).padStart(8)} s wall ${cpuS.toFixed(1).padStart(8)} CPU-s ${((cpuS / pictures) * 1000).toFixed(1).padStart(8)} CPU-ms/picture`;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'simq-bench-'));
  try {
    const source = process.argv[2] ? path.resolve(process.argv[2]) : captureDefaultRun(tmp);
    if (!existsSync(path.join(source, RUN_JSON)))
      throw new Error(`${source}: no ${RUN_JSON} (pass a run directory written by simq capture)`);
    const runDir = path.join(tmp, 'run');
    const earlier = new Set(
      [QUALITY_CSV, PICTURES_CSV, LEGACY_PICTURES_CSV, MEASURE_WORK_DIR].map((f) => path.join(source, f)),
    );
    cpSync(source, runDir, { recursive: true, filter: (f) => !earlier.has(f) });
    const ffmpeg = await probeFfmpeg();
    const vmaf = await resolveVmafSetup({ backend: 'ffmpeg', runDir, workDir: workDir(runDir) });
    const jobs = defaultJobs();
    const subsample = Number(process.env.BENCH_SUBSAMPLE ?? 1);
    const lib = vmaf.description.libvmaf;
    console.log(
      `run ${source}; ffmpeg ${ffmpeg.version} (${ffmpeg.source}), libvmaf ${lib?.version ?? lib?.major}; ${jobs} jobs, ${os.cpus().length} CPUs; viewports ${DEFAULT_VIEWPORTS.map((v) => `${v.width}x${v.height}`).join(', ')}${subsample > 1 ? `; --vmaf-subsample ${subsample}` : ''}`,
    );

    const simqStart = cpuNow();
    const measured = await runMeasureStage({
      runDir,
      ffmpeg,
      vmaf,
      viewports: DEFAULT_VIEWPORTS,
      view: 'displayed',
      jobs,
      includeWarmup: false,
      subsample,
      force: true,
      progress: quiet,
    });
    const simq = cpuSince(simqStart);
    if (measured.error || measured.rows.length === 0)
      throw new Error(`the measure stage did not finish: ${measured.error?.message ?? 'no rows'}`);

    const list: BareJob[] = bareJobs(runDir);
    const pictures = list.reduce((n, j) => n + j.pictures.length, 0);
    console.log(line('simq measure (all processes)', simq.wallS, simq.cpuS, pictures));
    console.log(`${list.length} (layer, size) jobs, ${pictures} pictures`);
    const threads = Math.max(1, Math.floor(os.cpus().length / jobs));
    // Bare jobs twice: as a user would run ffmpeg (glibc's defaults), and with the allocator settings
    // simq gives its metric ffmpeg (src/tools/mallocTuning.ts), which is simq's own pipeline cost.
    const variants = [
      { label: `bare ffmpeg jobs (${jobs} at a time)`, env: undefined },
      { label: 'bare, same allocator settings', env: metricProcessEnv() },
    ];
    const bare: { label: string; cpu: ReturnType<typeof cpuSince> }[] = [];
    for (const v of variants) {
      console.log(`preparing raw inputs for ${v.label} (not timed) ...`);
      for (const j of list) await prepareBareJob(j, ffmpeg.path, tmp);
      const start = cpuNow();
      const results = await runInOrder(list, jobs, (j) =>
        runBareJob(j, ffmpeg.path, vmaf.libvmafOptions!, threads, v.env),
      );
      bare.push({ label: v.label, cpu: cpuSince(start) });
      const failed = results.filter((r) => r.status === 'rejected');
      if (failed.length) throw (failed[0] as PromiseRejectedResult).reason;
    }

    console.log(line('simq measure (all processes)', simq.wallS, simq.cpuS, pictures));
    for (const b of bare) {
      console.log(line(b.label, b.cpu.wallS, b.cpu.cpuS, pictures));
      console.log(
        `  ratio simq / ${b.label}: CPU per picture ${(simq.cpuS / b.cpu.cpuS).toFixed(3)}, wall ${(simq.wallS / b.cpu.wallS).toFixed(3)}`,
      );
    }
    console.log(
      `simq split: node ${simq.nodeCpuS.toFixed(1)} CPU-s, child processes ${simq.childCpuS.toFixed(1)} CPU-s`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
