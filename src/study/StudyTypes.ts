// A study: several clips x the expanded scenario plan, possibly split into shards run on several
// machines and merged. The run directory records it (RunTypes.ts: clips, plan, merge).
import type { Scenario } from '../scenario/ScenarioTypes.js';

/** One scenario of the plan bound to the clip it plays. */
export interface PlannedScenario {
  clipId: string;
  scenario: Scenario;
}

/** --shard i/n as given, turned 1-based (index 1..count). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** A clip as the user named it: on the command line, or in a study file with a content label. */
export interface StudyClip {
  path: string;
  label?: string;
}
