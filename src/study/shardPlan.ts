// --shard i/n: which scenarios of the expanded plan one machine runs. Deterministic (every shard
// process computes the same split from the same plan, with no coordinator) and balanced by expected
// cost: the longest-processing-time-first rule, each scenario to the shard with the least cost so far.
import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/ScenarioTypes.js';
import type { ShardSpec } from './StudyTypes.js';

/** Most shards a plan may be split into (a Kubernetes Indexed Job's completions are capped at 100000). */
export const MAX_SHARDS = 10_000;

/** Parses "i/n"; base 1 (Playwright's and Jest's --shard) or 0 (a Kubernetes JOB_COMPLETION_INDEX). */
export function parseShard(text: string, base: number): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const example = base === 0 ? 'e.g. --shard 0/4 --shard-base 0' : 'e.g. --shard 1/4';
  if (!m) throw new InputError(`--shard ${text}: expected INDEX/COUNT`, example);
  const count = Number(m[2]);
  const index = Number(m[1]) - base + 1;
  if (count < 1 || count > MAX_SHARDS)
    throw new InputError(`--shard ${text}: the count must be at least 1 and at most ${MAX_SHARDS}`, example);
  if (index < 1 || index > count) {
    throw new InputError(
      `--shard ${text}: the index must be from ${base} to ${count - 1 + base} (--shard-base ${base})`,
      example,
    );
  }
  return { index, count };
}

export function parseShardBase(text: string | undefined): number {
  if (text === undefined) return 1;
  if (text !== '0' && text !== '1')
    throw new InputError(
      `--shard-base ${text}: use 0 or 1`,
      '--shard-base 0 when the index counts from 0 (JOB_COMPLETION_INDEX)',
    );
  return Number(text);
}

/**
 * Expected cost of a capture plus its measurement: pixels of the active layers x seconds. Encoding
 * and every metric job scale with the pixels sent, capture time with the duration.
 */
export function scenarioCost(scenario: Scenario, input: { width: number; height: number }): number {
  const pixels = scenario.encodings
    .filter((e) => e.active)
    .reduce((sum, e) => {
      const box = e.scaleResolutionDownTo;
      if (box) return sum + Math.min(input.width * input.height, box.maxWidth * box.maxHeight);
      const f = Math.max(1, e.scaleResolutionDownBy);
      return sum + (input.width / f) * (input.height / f);
    }, 0);
  return Math.max(1, pixels) * scenario.durationS;
}

export interface ShardItem {
  id: string;
  cost: number;
}

/** The shard (1-based) of every item, in the order given. Ties go by id, then to the lowest shard. */
export function assignShards(items: readonly ShardItem[], count: number): Map<string, number> {
  const order = [...items].sort((a, b) => b.cost - a.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const load = new Array<number>(count).fill(0);
  const out = new Map<string, number>();
  for (const item of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if (load[k] < load[best]) best = k;
    load[best] += item.cost;
    out.set(item.id, best + 1);
  }
  return out;
}

/** The items of one shard, in the plan's order. */
export function shardShare<T extends ShardItem>(items: readonly T[], shard: ShardSpec): T[] {
  const assigned = assignShards(items, shard.count);
  return items.filter((i) => assigned.get(i.id) === shard.index);
}
