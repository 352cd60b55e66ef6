// The measure stage's metric jobs: one per (layer, measurement size) (metricJobPlan.ts), at most
// options.jobs at a time, the costliest waiting first (jobQueue.ts). Each scenario's jobs are queued
// as soon as its layers are planned, while later scenarios are still being verified.
import os from 'node:os';
import { ExitCode, SimqError } from '../errors.js';
import { workDir } from '../rundir/RunFiles.js';
import type { Progress } from '../ui/progress.js';
import { timeLeftText } from '../ui/timeLeft.js';
import { formatSize, type Size } from '../units.js';
import { JobQueue } from './jobQueue.js';
import type { MeasureContext, MeasuredSize, MeasureOptions, PlannedLayer } from './MeasureStepTypes.js';
import { planMetricJobs, type PlannedJob } from './metricJobPlan.js';
import { runMetricJob, type MetricRunner } from './metrics/MetricJob.js';
import type { FrameMetrics } from './metrics/metricLogs.js';
import { svcDecoder } from './svcDecoder.js';

/** The metric jobs of a run, queued scenario by scenario. */
export interface MetricRun {
  queue: JobQueue<PlannedJob<PlannedLayer>, FrameMetrics[]>;
  jobs: PlannedJob<PlannedLayer>[];
  /** Queue index per layer and measurement size (WxH). */
  index: Map<PlannedLayer, Map<string, number>>;
  sent: number[];
  runner: MetricRunner;
  /** Progress is shown once every job is known (the total is then known). */
  showProgress: boolean;
  started?: number;
}

/** 2. The queue of metric jobs, empty; queueMetricJobs fills it. */
export function startMetricJobs({ options }: MeasureContext): MetricRun {
  const runner: MetricRunner = {
    command: options.vmaf.command,
    argsPrefix: options.vmaf.argsPrefix,
    libvmafOptions: options.vmaf.libvmafOptions,
    // Jobs share the cores: each libvmaf gets its part rather than every job claiming all of them.
    threads: Math.max(1, Math.floor(os.cpus().length / options.jobs)),
  };
  const m: MetricRun = {
    queue: new JobQueue(options.jobs, (job, i) => runJob(options, m, job, i)),
    jobs: [],
    index: new Map(),
    sent: [],
    runner,
    showProgress: false,
  };
  return m;
}

function runJob(options: MeasureOptions, m: MetricRun, job: PlannedJob<PlannedLayer>, i: number) {
  m.started ??= Date.now();
  const w = job.work;
  return runMetricJob({
    ffmpegPath: options.ffmpeg.path,
    bitstream: w.bitstream,
    codec: w.scenario.scenario.codec,
    decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
    decodedSize: w.decodedSize,
    reference: w.reference,
    entries: w.sent,
    subsample: w.subsample,
    size: job.size,
    runner: m.runner,
    workDir: workDir(options.runDir, `${w.scenario.id}.${w.layer.rid}.${job.labels[0]}`),
    signal: options.signal,
    onProgress: (sent) => {
      m.sent[i] = sent;
      if (m.showProgress) metricProgress(options.progress, m);
    },
  });
}

const pixelsOf = (s: Size) => s.width * s.height;

/** Time left from this run's own rate, by pixels: a 1280x720 picture costs about 16 320x180 ones. */
function metricProgress(progress: Progress, m: MetricRun): void {
  const totalPictures = m.jobs.reduce((n, j) => n + j.sent, 0);
  const totalWork = m.jobs.reduce((n, j) => n + j.sent * pixelsOf(j.size), 0);
  const doneWork = m.jobs.reduce((n, j, k) => n + (m.sent[k] ?? 0) * pixelsOf(j.size), 0);
  const left = timeLeftText((Date.now() - (m.started ?? Date.now())) / 1000, totalWork > 0 ? doneWork / totalWork : 1);
  progress.update(
    'measure: pictures compared',
    m.sent.reduce((a, b) => a + (b ?? 0), 0),
    totalPictures,
    left,
  );
}

/** The layers still measured, as metricJobPlan.ts counts their pictures. */
function jobLayers(planned: PlannedLayer[]) {
  return planned
    .filter((w) => w.record.status === 'measured')
    .map((w) => ({ work: w, decodedSize: w.decodedSize, scored: w.entries.length, sent: w.sent.length }));
}

/** Queues the metric jobs of these planned layers. */
export function queueMetricJobs({ options }: MeasureContext, m: MetricRun, planned: PlannedLayer[]): void {
  for (const job of planMetricJobs(jobLayers(planned), options.viewports).jobs) {
    const index = m.queue.push(job, pixelsOf(job.size) * job.sent);
    m.jobs[index] = job;
    const sizes = m.index.get(job.work) ?? new Map<string, number>();
    m.index.set(job.work, sizes.set(formatSize(job.size), index));
  }
}

/** Waits for every job; the rows in quality.csv's order, each from the job of its layer and size. A failed job fails its layer. */
export async function finishMetricJobs(
  { options }: MeasureContext,
  m: MetricRun,
  planned: PlannedLayer[],
): Promise<{ done: MeasuredSize[]; error?: SimqError }> {
  m.showProgress = true;
  if (m.jobs.length > 0) metricProgress(options.progress, m);
  m.queue.close();
  const results = await m.queue.results();
  options.progress.done();

  let error: SimqError | undefined;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    const w = m.jobs[i].work;
    w.record.status = 'failed';
    w.record.error = `${m.jobs[i].labels.join(', ')}: ${(r.reason as Error).message}`;
    error ??= r.reason instanceof SimqError ? r.reason : new SimqError(String(r.reason), ExitCode.incomplete);
  });
  const done: MeasuredSize[] = [];
  for (const row of planMetricJobs(jobLayers(planned.filter((w) => m.index.has(w))), options.viewports).rows) {
    const k = m.index.get(row.work)?.get(formatSize(row.size));
    const r = k === undefined ? undefined : results[k];
    if (r?.status === 'fulfilled') done.push({ work: row.work, size: row.label, sizeWxH: row.size, metrics: r.value });
  }
  return { done, error };
}
