// The run directory is the contract between stages (capture -> measure -> recommend/report):
//
//   results/<run-id>/run.json                 this record
//   (runs of several clips: <scenario-id> starts with the clip id, clips[] and scenarios[].clipId say which)
//   results/<run-id>/<scenario-id>/<rid>.ivf  VP8/VP9/AV1 layer bitstream (IVF, timebase 1/90000 = RTP clock)
//   results/<run-id>/<scenario-id>/<rid>.h264 H.264 layer bitstream (Annex B)
//   results/<run-id>/<scenario-id>/<rid>.frames.csv   one row per captured frame
//   results/<run-id>/<scenario-id>/stats.csv  one row per second per layer
//   results/<run-id>/quality.csv, pictures.csv (measure stage; pictures.csv was frames.csv before)
//   results/<run-id>/recommendation.json|csv, report.html (recommend/report stage)
//
// File names and paths: RunFiles.ts. CSV columns and row types: CsvTypes.ts. The records themselves
// (types, checks, JSON Schema) are defined once in runSchema.ts; this module keeps the names the code
// imports and the helpers that read a record.
import type { ReferenceClip, RunRecord, ScenarioRecord } from './runSchema.js';

export type * from './MeasureTypes.js';
export type * from './CsvTypes.js';
export type {
  CameraTail,
  ClipRecord,
  DerivedLayer,
  EnvironmentRecord,
  LayerRecord,
  ModelComparison,
  ModelLayerComparison,
  PlanRecord,
  ReferenceClip,
  RunRecord,
  RunStatus,
  ScenarioRecord,
  SteadyState,
  ValidityProblem,
} from './runSchema.js';
export { RUN_SCHEMA } from './runSchema.js';

/** The clip a scenario played: its clips[] entry (the run's input when a hand-built record lacks it). */
export function clipOfScenario(
  run: Pick<RunRecord, 'input' | 'clips'>,
  s: Pick<ScenarioRecord, 'clipId'>,
): ReferenceClip & { id?: string; label?: string } {
  return run.clips.find((c) => c.id === s.clipId) ?? run.input;
}

/**
 * Where a scenario's steady state starts. Every captured scenario records it (upgradeRun fills it in
 * for older runs); the warm-up stands in for a scenario that never got that far.
 */
export function steadyStartS(s: Pick<ScenarioRecord, 'steadyStart' | 'scenario'>): number {
  return s.steadyStart?.fromS ?? s.scenario.warmupS;
}
