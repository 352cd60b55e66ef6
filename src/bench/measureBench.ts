// `npm run bench:measure`: the measure stage's metric jobs against bare ffmpeg + libvmaf on the same
// frame pairs, run side by side with the same libvmaf threads. Prints wall times and ratios; not a
// test (shared machines are noisy: compare the ratio, not the seconds).
//
// Fixed set: a synthetic 1280x720 reference (4 s), encoded by libvpx into three layers
// (320x180 / 640x360 / 1280x720); each layer measured at its own size and at 640x360.
// Baseline: the same pairs as raw files on disk, already decoded, scaled and paired (not timed),
// then `ffmpeg -f rawvideo dist -f rawvideo ref -lavfi libvmaf ...` (and the same graph simq uses
// with PSNR and SSIM added, for the like-for-like ratio).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Y4mFile } from '../input/Y4mFile.js';
import { runMetricJob, type DisplayEntry } from '../measure/metrics/MetricJob.js';
import { resolveVmafSetup } from '../measure/vmaf/VmafSetup.js';
import { FfmpegCommand, filterValue } from '../tools/FfmpegArgs.js';
import { probeFfmpeg } from '../tools/ffmpeg.js';
import { runProcess, tail } from '../tools/process.js';
import { SCALER } from '../measure/metrics/metricGraph.js';

const FPS = 30;
const SECONDS = 4;
const LAYERS = [
  { rid: 'q', width: 320, height: 180, kbps: 150 },
  { rid: 'h', width: 640, height: 360, kbps: 500 },
  { rid: 'f', width: 1280, height: 720, kbps: 2500 },
];
const SIZES = ['native', '640x360'];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);

async function ffmpeg(bin: string, args: string[]): Promise<void> {
  const r = await runProcess(bin, args);
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')}\n${tail(r.stderr)}`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function main(): Promise<void> {
  const ff = await probeFfmpeg();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-bench-'));
  const vmaf = await resolveVmafSetup({ backend: 'ffmpeg', runDir: dir, workDir: path.join(dir, 'work') });
  const threads = 1;
  try {
    const ref = path.join(dir, 'ref.y4m');
    await ffmpeg(ff.path, new FfmpegCommand().overwrite().input(`testsrc2=s=1280x720:r=${FPS},noise=alls=12:allf=t`, { format: 'lavfi', durationS: SECONDS }).output(ref, { pixFmt: 'yuv420p', format: 'yuv4mpegpipe' }).args());
    const reference = Y4mFile.open(ref);
    const entries: DisplayEntry[] = Array.from({ length: reference.frameCount }, (_, i) => ({ frameIndex: i, sourceIndex: i, frozen: false }));
    console.log(`ffmpeg ${ff.version} (${ff.source}), libvmaf ${vmaf.libvmafMajor}.x, libvmaf n_threads=${threads}, ${reference.frameCount} pairs per job, best of ${REPEATS}`);
    console.log('job              simq s   bare libvmaf s   bare vmaf+psnr+ssim s   ratio(vmaf only)   ratio(same metrics)');
    let simqTotal = 0;
    let bareTotal = 0;
    let sameTotal = 0;
    for (const layer of LAYERS) {
      const ivf = path.join(dir, `${layer.rid}.ivf`);
      await ffmpeg(ff.path, new FfmpegCommand().overwrite().input(ref).output(ivf, { codec: 'libvpx', size: layer, codecArgs: [['-b:v', `${layer.kbps}k`], ['-deadline', 'realtime'], ['-cpu-used', '8']], format: 'ivf' }).args());
      for (const sizeName of SIZES) {
        const size = sizeName === 'native' ? { width: layer.width, height: layer.height } : { width: 640, height: 360 };
        // Baseline inputs: decoded + scaled distorted frames and scaled reference frames, as raw files.
        const distRaw = path.join(dir, `${layer.rid}.${sizeName}.dist.yuv`);
        const refRaw = path.join(dir, `${layer.rid}.${sizeName}.ref.yuv`);
        await ffmpeg(ff.path, new FfmpegCommand().overwrite().input(ivf).output(distRaw, { format: 'rawvideo', pixFmt: 'yuv420p', size, scaler: SCALER, passthrough: true }).args());
        await ffmpeg(ff.path, new FfmpegCommand().overwrite().input(ref).output(refRaw, { format: 'rawvideo', pixFmt: 'yuv420p', size, scaler: SCALER }).args());
        const raw = { width: size.width, height: size.height, pixFmt: 'yuv420p' as const, fps: FPS };
        const bareArgs = (graph: string) => new FfmpegCommand().input(distRaw, { raw }).input(refRaw, { raw }).filterComplex(graph).output('-', { map: '[out]', format: 'null' }).args();
        const logs = (p: string) => filterValue(path.join(dir, p));
        const vmafOnly = `[0:v][1:v]libvmaf=${vmaf.libvmafOptions}:n_threads=${threads}:log_path=${logs('bare.json')}:log_fmt=json[out]`;
        const same = `[1:v]split=3[r0][r1][r2];[0:v][r0]libvmaf=${vmaf.libvmafOptions}:n_threads=${threads}:log_path=${logs('same.json')}:log_fmt=json[v];[v][r1]psnr=stats_file=${logs('same.psnr')}[p];[p][r2]ssim=stats_file=${logs('same.ssim')}[out]`;
        let simq = Infinity;
        let bare = Infinity;
        let sameT = Infinity;
        for (let r = 0; r < REPEATS; r++) {
          // Side by side: each repeat runs all three, so machine noise hits them alike.
          simq = Math.min(simq, await timed(() => runMetricJob({
            ffmpegPath: ff.path,
            bitstream: ivf,
            codec: 'vp8',
            decodedSize: { width: layer.width, height: layer.height },
            reference,
            entries,
            size,
            runner: { command: vmaf.command, argsPrefix: vmaf.argsPrefix, libvmafOptions: vmaf.libvmafOptions, threads },
            workDir: path.join(dir, 'work', `${layer.rid}.${sizeName}`),
          })));
          bare = Math.min(bare, await timed(() => ffmpeg(ff.path, bareArgs(vmafOnly))));
          sameT = Math.min(sameT, await timed(() => ffmpeg(ff.path, bareArgs(same))));
        }
        simqTotal += simq;
        bareTotal += bare;
        sameTotal += sameT;
        console.log(
          `${`${layer.rid}@${sizeName}`.padEnd(16)} ${simq.toFixed(2).padStart(6)}   ${bare.toFixed(2).padStart(14)}   ${sameT.toFixed(2).padStart(21)}   ${(simq / bare).toFixed(3).padStart(16)}   ${(simq / sameT).toFixed(3).padStart(19)}`,
        );
        rmSync(distRaw);
        rmSync(refRaw);
      }
    }
    console.log(`${'total'.padEnd(16)} ${simqTotal.toFixed(2).padStart(6)}   ${bareTotal.toFixed(2).padStart(14)}   ${sameTotal.toFixed(2).padStart(21)}   ${(simqTotal / bareTotal).toFixed(3).padStart(16)}   ${(simqTotal / sameTotal).toFixed(3).padStart(19)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
