// The expanded plan of a run: every scenario for every clip (ids prefixed by the clip id when there
// are several), its fingerprint, and the share a --shard runs.
import type { ClipRecord, PlanRecord } from '../rundir/RunTypes.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import { studyScenarioId } from './clipId.js';
import { planHash } from './planHash.js';
import { scenarioCost, shardShare } from './shardPlan.js';
import type { PlannedScenario, ShardSpec } from './StudyTypes.js';

export interface StudyPlan {
  /** Every scenario of the plan, clip by clip. */
  all: PlannedScenario[];
  /** This process's share (all of it without --shard). */
  share: PlannedScenario[];
  record: PlanRecord;
}

export function expandStudy(clips: readonly ClipRecord[], scenarios: readonly Scenario[]): PlannedScenario[] {
  return clips.flatMap((clip) =>
    scenarios.map((s) => ({ clipId: clip.id, scenario: { ...s, id: studyScenarioId(clip.id, s.id, clips.length) } })),
  );
}

export function planStudy(clips: readonly ClipRecord[], scenarios: readonly Scenario[], shard?: ShardSpec): StudyPlan {
  const all = expandStudy(clips, scenarios);
  const size = new Map(clips.map((c) => [c.id, c]));
  const items = all.map((p) => ({ id: p.scenario.id, cost: scenarioCost(p.scenario, size.get(p.clipId)!), p }));
  const share = shard && shard.count > 1 ? shardShare(items, shard).map((i) => i.p) : all;
  const record: PlanRecord = {
    hash: planHash(
      clips,
      all.map((p) => p.scenario),
    ),
    scenarioIds: all.map((p) => p.scenario.id),
  };
  if (shard) record.shard = { ...shard };
  return { all, share, record };
}
