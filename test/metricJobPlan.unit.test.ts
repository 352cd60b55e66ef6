// Which metric jobs a measure run starts: quality.csv rows per (layer, size label), and the distinct
// computations behind them. Layers and viewports written by hand; the expected rows are listed here.
import { describe, expect, it } from 'vitest';
import { planMetricJobs } from '../src/measure/metricJobPlan.js';

const VIEWPORTS = [
  { width: 320, height: 180 },
  { width: 640, height: 360 },
  { width: 1280, height: 720 },
];
const layer = (work: string, width: number, height: number, scored = 80, sent = 240) => ({
  work,
  decodedSize: { width, height },
  scored,
  sent,
});

describe('planMetricJobs', () => {
  it('measures a layer whose size is a viewport once for both rows (3 layers: 9 jobs for 12 rows)', () => {
    const plan = planMetricJobs([layer('q', 320, 180), layer('h', 640, 360), layer('f', 1280, 720)], VIEWPORTS);
    expect(plan.rows).toHaveLength(12);
    expect(plan.jobs).toHaveLength(9);
    const jobOf = (work: string, label: string) =>
      plan.jobs[plan.rows.find((r) => r.work === work && r.label === label)!.job];
    expect(jobOf('f', 'native')).toBe(jobOf('f', '1280x720'));
    expect(jobOf('h', 'native')).toBe(jobOf('h', '640x360'));
    expect(jobOf('q', 'native')).toBe(jobOf('q', '320x180'));
    expect(jobOf('f', '1280x720').labels.sort()).toEqual(['1280x720', 'native']);
    expect(jobOf('q', '1280x720').labels).toEqual(['1280x720']);
    // Every row is measured at its own size.
    for (const r of plan.rows) expect(plan.jobs[r.job].size).toEqual(r.size);
  });

  it('a layer the encoder scaled to no viewport size gets four jobs', () => {
    const plan = planMetricJobs([layer('h', 480, 270)], VIEWPORTS);
    expect(plan.jobs.map((j) => j.labels)).toEqual([['1280x720'], ['640x360'], ['native'], ['320x180']]);
  });

  it('keeps the row order quality.csv had: by pixels x scored pictures, larger first, ties in plan order', () => {
    const plan = planMetricJobs([layer('q', 320, 180, 82), layer('f', 1280, 720, 81)], VIEWPORTS);
    // q: 1280x720 = 921600*82, 640x360 = 230400*82, 320x180/native = 57600*82; f: 921600*81 for native and 1280x720 ...
    expect(plan.rows.map((r) => `${r.work} ${r.label}`)).toEqual([
      'q 1280x720',
      'f native',
      'f 1280x720',
      'q 640x360',
      'f 640x360',
      'q native',
      'q 320x180',
      'f 320x180',
    ]);
  });

  it('orders jobs by pixels x pictures sent, the costliest first', () => {
    const plan = planMetricJobs(
      [layer('a', 320, 180, 10, 30), layer('b', 320, 180, 10, 300)],
      [{ width: 640, height: 360 }],
    );
    // b 640: 230400 x 300 = 69.1 M; b 320: 57600 x 300 = 17.3 M; a 640: 230400 x 30 = 6.9 M; a 320: 1.7 M.
    // The rows (by scored pictures, equal here) would put both 640x360 jobs first.
    expect(plan.jobs.map((j) => `${j.work} ${j.size.width}`)).toEqual(['b 640', 'b 320', 'a 640', 'a 320']);
  });
});
