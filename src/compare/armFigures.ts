// One arm's figures per viewer, read from its measured run directory: VMAF mean and 5th percentile
// over the display ticks of the steady part (pictures.csv rows rid "viewer:<name>"), received kbps,
// freezes that started in it, and the per-second VMAF the noise estimate pairs and the "time at the
// target" share counts (run.json measure.viewers[].seconds). The steady part starts at the scenario's
// steady start (the later of the two arms'), the same rule as the sender's layer rows, so both arms
// leave out the same ramp.
import { aggregate, mean, round } from '../measure/aggregate.js';
import { readCsvFile } from '../io/readCsv.js';
import { PICTURES_SCHEMA, VIEWER_RID_PREFIX, type PictureRow } from '../rundir/CsvTypes.js';
import { numericColumnsOf } from '../io/csvSchema.js';
import { picturesCsvToRead } from '../rundir/RunFiles.js';
import { steadyStartS, type RunRecord, type ScenarioRecord } from '../rundir/RunTypes.js';
import type { ViewerMeasureRecord } from '../measure/viewer/ViewerMeasureTypes.js';
import type { ArmViewerFigures } from './CompareTypes.js';

const PICTURES_SPEC = {
  required: ['scenario_id', 'rid', 'time_s', 'frozen', 'vmaf'],
  numeric: numericColumnsOf(PICTURES_SCHEMA),
  fix: 'measure the run again: simq measure <run-dir> --force',
} as const;

export function readViewerPictures(runDir: string): PictureRow[] {
  const file = picturesCsvToRead(runDir);
  return file ? (readCsvFile(file, PICTURES_SPEC) as PictureRow[]) : [];
}

/** The figures of one measured viewer; undefined when it was not measured. */
export function armViewerFigures(
  scenario: ScenarioRecord,
  m: ViewerMeasureRecord | undefined,
  pictures: readonly PictureRow[],
  spec: string,
  targetVmaf: number,
  window: CompareWindow,
): ArmViewerFigures | undefined {
  const { fromS, toS } = window;
  if (!m || m.status !== 'measured') return undefined;
  const rid = `${VIEWER_RID_PREFIX}${m.viewer}`;
  const ticks = pictures.filter(
    (p) => p.scenario_id === scenario.id && p.rid === rid && p.time_s >= fromS && p.time_s < toS,
  );
  const vmaf = aggregate(ticks.map((p) => p.vmaf));
  // Whole seconds only: the first from the steady start on, the last before toS.
  const seconds = (m.seconds ?? [])
    .filter((s) => s.second >= Math.ceil(fromS) && s.second < toS)
    .map((s) => ({ second: s.second, vmaf: s.vmaf, kbps: s.kbps }));
  const freezes = (m.freezes?.list ?? []).filter((f) => f.startS >= fromS && f.startS < toS);
  const scored = seconds.filter((s) => s.vmaf !== undefined);
  return {
    viewer: m.viewer,
    spec,
    fromS,
    toS,
    ticks: ticks.length,
    vmafMean: round(vmaf.mean, 2),
    vmafP5: round(vmaf.p5, 2),
    kbps: round(mean(seconds.map((s) => s.kbps)), 1),
    freezeCount: freezes.length,
    freezeS: round(
      freezes.reduce((t, f) => t + f.durationS, 0),
      3,
    )!,
    timeOnLayerS: m.timeOnLayerS ?? {},
    seconds,
    atTarget: {
      target: targetVmaf,
      seconds: scored.length,
      share: scored.length ? round(scored.filter((s) => s.vmaf! >= targetVmaf).length / scored.length, 3) : undefined,
    },
  };
}

/** The run's one scenario with viewers. */
export function viewerScenario(run: RunRecord): ScenarioRecord {
  return run.scenarios.find((s) => (s.viewers ?? []).length > 0) ?? run.scenarios[0];
}

/**
 * Where the arms are compared from: the later of their steady starts, so both cover the same seconds
 * of the clip (each arm's sender settles on its own; the earlier one would add ramp seconds to one arm only).
 */
export function commonSteadyStartS(scenarios: readonly ScenarioRecord[]): number {
  return Math.max(...scenarios.map((s) => steadyStartS(s)));
}

/** The seconds both arms are compared over, per viewer: [fromS, toS). */
export interface CompareWindow {
  fromS: number;
  toS: number;
}

/** Viewer i's measure record in a run. */
export function viewerMeasure(run: RunRecord, i: number): ViewerMeasureRecord | undefined {
  const scenario = viewerScenario(run);
  const name = scenario.viewers?.[i]?.name;
  return run.measure?.viewers?.find((m) => m.scenarioId === scenario.id && m.viewer === name);
}

/**
 * Where viewer i's comparison ends: the earlier of the arms' last whole seconds (each arm's timeline
 * ends with its own capture, and the last second, cut by the capture's end, would read low in kbps).
 */
export function commonEndS(runs: readonly RunRecord[], i: number): number {
  return Math.min(
    ...runs.map((r) => {
      const seconds = viewerMeasure(r, i)?.seconds ?? [];
      return seconds.length ? Math.max(...seconds.map((s) => s.second)) : Infinity;
    }),
  );
}

/** Each viewer's figures in the scenario's viewer order, over its window. */
export function runViewerFigures(
  runDir: string,
  run: RunRecord,
  specs: readonly string[],
  targetVmaf: number,
  windowOf: (i: number) => CompareWindow,
): { scenario: ScenarioRecord; figures: (ArmViewerFigures | undefined)[] } {
  const scenario = viewerScenario(run);
  const pictures = readViewerPictures(runDir);
  const figures = (scenario.viewers ?? []).map((v, i) =>
    armViewerFigures(scenario, viewerMeasure(run, i), pictures, specs[i] ?? v.spec, targetVmaf, windowOf(i)),
  );
  return { scenario, figures };
}
