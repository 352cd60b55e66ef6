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
export function armViewerFigures(scenario: ScenarioRecord, m: ViewerMeasureRecord | undefined, pictures: readonly PictureRow[], spec: string, targetVmaf: number, fromS: number): ArmViewerFigures | undefined {
  if (!m || m.status !== 'measured') return undefined;
  const rid = `${VIEWER_RID_PREFIX}${m.viewer}`;
  const ticks = pictures.filter((p) => p.scenario_id === scenario.id && p.rid === rid && p.time_s >= fromS);
  const vmaf = aggregate(ticks.map((p) => p.vmaf));
  // Whole seconds only: the first from the steady start on, and never the last one of the timeline
  // (it is cut by the capture's end, so its kbps would read low).
  const all = m.seconds ?? [];
  const lastSecond = Math.max(...all.map((s) => s.second));
  const seconds = all.filter((s) => s.second >= Math.ceil(fromS) && s.second < lastSecond).map((s) => ({ second: s.second, vmaf: s.vmaf, kbps: s.kbps }));
  const freezes = (m.freezes?.list ?? []).filter((f) => f.startS >= fromS);
  const scored = seconds.filter((s) => s.vmaf !== undefined);
  return {
    viewer: m.viewer,
    spec,
    fromS,
    ticks: ticks.length,
    vmafMean: round(vmaf.mean, 2),
    vmafP5: round(vmaf.p5, 2),
    kbps: round(mean(seconds.map((s) => s.kbps)), 1),
    freezeCount: freezes.length,
    freezeS: round(freezes.reduce((t, f) => t + f.durationS, 0), 3)!,
    timeOnLayerS: m.timeOnLayerS ?? {},
    seconds,
    atTarget: { target: targetVmaf, seconds: scored.length, share: scored.length ? round(scored.filter((s) => s.vmaf! >= targetVmaf).length / scored.length, 3) : undefined },
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

/** Each viewer's figures in the scenario's viewer order, from `fromS` on. */
export function runViewerFigures(runDir: string, run: RunRecord, specs: readonly string[], targetVmaf: number, fromS: number): { scenario: ScenarioRecord; figures: (ArmViewerFigures | undefined)[] } {
  const scenario = viewerScenario(run);
  const pictures = readViewerPictures(runDir);
  const figures = (scenario.viewers ?? []).map((v, i) => armViewerFigures(scenario, run.measure?.viewers?.find((m) => m.scenarioId === scenario.id && m.viewer === v.name), pictures, specs[i] ?? v.spec, targetVmaf, fromS));
  return { scenario, figures };
}
