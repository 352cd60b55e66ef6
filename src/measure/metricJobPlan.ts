// Which metric jobs a measure run starts. quality.csv has a row per (layer, size label): "native"
// and each viewport. A layer's native size is usually one of the viewports too (the default
// 320x180 / 640x360 / 1280x720 layers and viewports coincide), and those two rows are the same
// computation: same decoded frames, same reference frames, same scaler, same graph. One metric job
// serves every label of a (layer, size): a quarter of the default plan's jobs, and at 1280x720 its
// costliest, were measured twice.
import { formatSize, type Size } from '../units.js';

export interface JobLayer<W> {
  work: W;
  decodedSize: Size;
  /** Pictures scored (they order the rows, as before jobs were shared). */
  scored: number;
  /** Pictures sent to the metric ffmpeg (all of the window in quick mode). */
  sent: number;
}

/** A quality.csv row to fill: a layer at one size label. */
export interface JobRow<W> {
  work: W;
  /** 'native' or a viewport (WxH). */
  label: string;
  size: Size;
  /** Index into MetricJobPlan.jobs of the job that measures it. */
  job: number;
}

/** One metric ffmpeg run: a layer at one measurement size, for one or more row labels. */
export interface PlannedJob<W> {
  work: W;
  size: Size;
  labels: string[];
  sent: number;
}

export interface MetricJobPlan<W> {
  rows: JobRow<W>[];
  /** Distinct jobs, the costliest first (pixels x pictures sent) so the pool ends evenly. */
  jobs: PlannedJob<W>[];
}

const pixels = (s: Size) => s.width * s.height;

export function planMetricJobs<W>(layers: readonly JobLayer<W>[], viewports: readonly Size[]): MetricJobPlan<W> {
  const rows = layers
    .flatMap((l) => [
      { l, label: 'native', size: l.decodedSize },
      ...viewports.map((v) => ({ l, label: formatSize(v), size: v })),
    ])
    // The row order quality.csv always had: larger sizes (by scored pictures) first, stable.
    .sort((a, b) => pixels(b.size) * b.l.scored - pixels(a.size) * a.l.scored);
  const jobs: PlannedJob<W>[] = [];
  const byKey = new Map<string, number>();
  const out: JobRow<W>[] = [];
  for (const r of rows) {
    const key = `${layers.indexOf(r.l)}:${formatSize(r.size)}`;
    let job = byKey.get(key);
    if (job === undefined) {
      job = jobs.push({ work: r.l.work, size: r.size, labels: [], sent: r.l.sent }) - 1;
      byKey.set(key, job);
    }
    jobs[job].labels.push(r.label);
    out.push({ work: r.l.work, label: r.label, size: r.size, job });
  }
  // Longest first by what the job processes: every sent picture goes through libvmaf.
  const order = jobs
    .map((_, i) => i)
    .sort((a, b) => pixels(jobs[b].size) * jobs[b].sent - pixels(jobs[a].size) * jobs[a].sent);
  const rank = new Map(order.map((j, k) => [j, k]));
  return { rows: out.map((r) => ({ ...r, job: rank.get(r.job)! })), jobs: order.map((j) => jobs[j]) };
}
