// Studies without a browser: --shard parsing, the shard split (checked against a brute-force optimum
// and by construction), the expanded plan of several clips, the across-clips maxBitrate and the
// remaining-time estimate. Expected values are worked out here, not taken from simq's output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureCliOptions } from '../src/commands/captureOptions.js';
import { applyStudyFile } from '../src/commands/studyOptions.js';
import { loadStudyFile } from '../src/study/studyFile.js';
import type { ClipRecord } from '../src/rundir/RunTypes.js';
import type { Recommendation } from '../src/recommend/RecommendationTypes.js';
import { acrossClips } from '../src/recommend/acrossClips.js';
import { assignShards, parseShard, scenarioCost, shardShare, type ShardItem } from '../src/study/shardPlan.js';
import { planStudy } from '../src/study/studyPlan.js';
import { remainingSeconds } from '../src/study/studyEstimate.js';
import { differences } from '../src/study/resumeCheck.js';
import type { Scenario } from '../src/scenario/ScenarioTypes.js';

describe('--shard i/n', () => {
  it('counts from 1 by default and from 0 with --shard-base 0', () => {
    expect(parseShard('1/2', 1)).toEqual({ index: 1, count: 2 });
    expect(parseShard('2/2', 1)).toEqual({ index: 2, count: 2 });
    expect(parseShard('0/4', 0)).toEqual({ index: 1, count: 4 });
    expect(parseShard('3/4', 0)).toEqual({ index: 4, count: 4 });
  });
  it('refuses an index outside the count, naming the range', () => {
    expect(() => parseShard('4/4', 0)).toThrow(/from 0 to 3/);
    expect(() => parseShard('0/2', 1)).toThrow(/from 1 to 2/);
    expect(() => parseShard('3/2', 1)).toThrow(/from 1 to 2/);
    expect(() => parseShard('one/2', 1)).toThrow(/INDEX\/COUNT/);
    expect(() => parseShard('1/0', 1)).toThrow(/at least 1/);
  });
});

/** The smallest possible largest load over every way to put the costs on k shards (k^n tries). */
function optimalMakespan(costs: number[], k: number): number {
  let best = Infinity;
  const loads = new Array<number>(k).fill(0);
  const go = (i: number) => {
    if (i === costs.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    for (let s = 0; s < k; s++) {
      loads[s] += costs[i];
      if (loads[s] < best) go(i + 1);
      loads[s] -= costs[i];
    }
  };
  go(0);
  return best;
}

/** A deterministic pseudo-random sequence (LCG) so the cases are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function loadsOf(items: ShardItem[], k: number): number[] {
  const a = assignShards(items, k);
  const loads = new Array<number>(k).fill(0);
  for (const i of items) loads[a.get(i.id)! - 1] += i.cost;
  return loads;
}

describe('shard assignment', () => {
  it('every scenario in exactly one shard; the shards together are the plan', () => {
    const items = Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, cost: 1 + (i % 4) }));
    for (const count of [1, 2, 3, 5]) {
      const shares = Array.from({ length: count }, (_, i) =>
        shardShare(items, { index: i + 1, count }).map((x) => x.id),
      );
      const all = shares.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(items.map((i) => i.id).sort());
    }
  });

  it('is deterministic: the same split whatever order the plan lists the scenarios in', () => {
    const rnd = lcg(7);
    const items = Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, cost: Math.ceil(rnd() * 10) }));
    const a = assignShards(items, 3);
    const b = assignShards([...items].reverse(), 3);
    const c = assignShards(
      [...items].sort((x, y) => x.cost - y.cost),
      3,
    );
    for (const i of items) {
      expect(b.get(i.id)).toBe(a.get(i.id));
      expect(c.get(i.id)).toBe(a.get(i.id));
    }
  });

  it('is balanced: the largest shard is within 4/3 of the best possible split (Graham 1969, LPT)', () => {
    const rnd = lcg(42);
    for (let t = 0; t < 30; t++) {
      const n = 3 + (t % 6);
      const k = 2 + (t % 2);
      const costs = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 20));
      const items = costs.map((cost, i) => ({ id: `x${i}`, cost }));
      const opt = optimalMakespan(costs, k);
      expect(Math.max(...loadsOf(items, k))).toBeLessThanOrEqual((4 / 3) * opt + 1e-9);
    }
  });

  it('equal costs split into shares that differ by at most one scenario', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, cost: 5 }));
    expect(
      loadsOf(items, 3)
        .map((l) => l / 5)
        .sort(),
    ).toEqual([3, 3, 4]);
  });

  it('a scenario costs the pixels of its active layers times its seconds', () => {
    const s = scenario('all-layers.vp8', [4, 2, 1], [true, true, true], 3);
    expect(scenarioCost(s, { width: 640, height: 360 })).toBe((160 * 90 + 320 * 180 + 640 * 360) * 3);
    const topOff = scenario('top-off.vp8', [4, 2, 1], [true, true, false], 3);
    expect(scenarioCost(topOff, { width: 640, height: 360 })).toBe((160 * 90 + 320 * 180) * 3);
  });
});

function scenario(id: string, scales: number[], active: boolean[], durationS: number): Scenario {
  const rids = ['q', 'h', 'f'];
  return {
    id,
    name: id.split('.')[0],
    codec: 'vp8',
    encodings: scales.map((scaleResolutionDownBy, i) => ({ rid: rids[i], scaleResolutionDownBy, active: active[i] })),
    durationS,
    warmupS: 1,
    contentHint: '',
  };
}

function clip(id: string, sha: string): ClipRecord {
  return {
    id,
    source: `/clips/${id}.mp4`,
    sourceSha256: sha.repeat(64),
    y4m: `/cache/${id}.y4m`,
    width: 640,
    height: 360,
    fps: 30,
    frames: 90,
    preparedWith: [],
  };
}

describe('the plan of a study', () => {
  const scenarios = [
    scenario('all-layers.vp8', [4, 2, 1], [true, true, true], 3),
    scenario('top-off.vp8', [4, 2, 1], [true, true, false], 3),
  ];
  const clips = [clip('camera-aaaaaaaa', 'a'), clip('screen-bbbbbbbb', 'b')];

  it('is every clip x every scenario, ids prefixed by the clip id', () => {
    const plan = planStudy(clips, scenarios);
    expect(plan.record.scenarioIds).toEqual([
      'camera-aaaaaaaa.all-layers.vp8',
      'camera-aaaaaaaa.top-off.vp8',
      'screen-bbbbbbbb.all-layers.vp8',
      'screen-bbbbbbbb.top-off.vp8',
    ]);
    expect(plan.all.map((p) => p.clipId)).toEqual([
      'camera-aaaaaaaa',
      'camera-aaaaaaaa',
      'screen-bbbbbbbb',
      'screen-bbbbbbbb',
    ]);
  });

  it('a run of one clip keeps the plain scenario ids', () => {
    expect(planStudy([clips[0]], scenarios).record.scenarioIds).toEqual(['all-layers.vp8', 'top-off.vp8']);
  });

  it('two shards: disjoint, together the plan, the same plan hash, one expensive + one cheap each', () => {
    const one = planStudy(clips, scenarios, { index: 1, count: 2 });
    const two = planStudy(clips, scenarios, { index: 2, count: 2 });
    const a = one.share.map((p) => p.scenario.id);
    const b = two.share.map((p) => p.scenario.id);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect([...a, ...b].sort()).toEqual([...one.record.scenarioIds].sort());
    expect(one.record.hash).toBe(two.record.hash);
    // all-layers costs more than top-off: LPT gives each shard one of each.
    for (const share of [a, b]) expect(share.filter((id) => id.includes('all-layers'))).toHaveLength(1);
  });

  it('another clip content changes the plan hash', () => {
    expect(planStudy([clips[0], clip('screen-bbbbbbbb', 'c')], scenarios).record.hash).not.toBe(
      planStudy(clips, scenarios).record.hash,
    );
  });
});

/** A recommendation holding one layer's advice, enough for acrossClips. */
function recWith(maxBitrate: number | undefined, rule: string): Recommendation {
  const advice = maxBitrate === undefined ? undefined : { rule, maxBitrate };
  return {
    codecs: [{ codec: 'vp8', layers: [{ codec: 'vp8', rid: 'f', layer: '640x360', points: [], curve: [], advice }] }],
  } as unknown as Recommendation;
}

describe('maxBitrate across clips', () => {
  const perClip = [
    { clipId: 'a', recommendation: recWith(300_000, 'measured') },
    { clipId: 'b', recommendation: recWith(500_000, 'interpolated') },
    { clipId: 'c', recommendation: recWith(800_000, 'knee') },
  ];
  it('every clip: none when one clip never reaches the target, and says why', () => {
    const [l] = acrossClips(perClip, 1);
    expect(l.maxBitrate).toBeUndefined();
    expect(l.note).toMatch(/only 2 of 3 clips/);
  });
  it('a share: the smallest maxBitrate that covers that many clips', () => {
    expect(acrossClips(perClip, 2 / 3)[0].maxBitrate).toBe(500_000);
    expect(acrossClips(perClip, 2 / 3)[0].clipsCovered).toEqual(['a', 'b']);
    expect(acrossClips(perClip, 0.34)[0].maxBitrate).toBe(500_000);
    expect(acrossClips(perClip, 0.3)[0].maxBitrate).toBe(300_000);
    const all = [perClip[0], perClip[1], { clipId: 'c', recommendation: recWith(650_000, 'measured') }];
    expect(acrossClips(all, 1)[0].maxBitrate).toBe(650_000);
  });
});

describe('the study estimate', () => {
  it('remaining time: the mean measured capture per scenario left, plus the later stages for what this process captures', () => {
    expect(
      remainingSeconds({
        done: 2,
        left: 3,
        measuredCaptureS: [10, 14],
        leftDurationsS: [3, 3, 3],
        laterStagesSecondsPerScenario: 40,
        capturedHere: 2,
      }),
    ).toBe(3 * 12 + 40 * 5);
    // Nothing timed yet: duration + 4 s overhead per scenario.
    expect(
      remainingSeconds({
        done: 0,
        left: 2,
        measuredCaptureS: [],
        leftDurationsS: [3, 6],
        laterStagesSecondsPerScenario: 0,
        capturedHere: 0,
      }),
    ).toBe(7 + 10);
  });
});

describe('shard differences', () => {
  it('names every field that differs, with its values', () => {
    expect(
      differences([
        { a: '1', b: 'x' },
        { a: '1', b: 'y' },
      ]),
    ).toEqual([{ field: 'b', values: ['x', 'y'] }]);
  });
});

describe("the study file's browsers", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-study-browsers-'));
  const study = (browsers: unknown) => {
    const f = path.join(dir, `s${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, JSON.stringify({ clips: ['a.mp4'], browsers }));
    return f;
  };
  it('names both browsers for one run, or gives their binaries', () => {
    const opts = { scenario: [], sweep: [], study: study(['chromium', 'firefox']) } as unknown as CaptureCliOptions;
    applyStudyFile([], opts);
    expect(opts.browser).toBe('chromium,firefox');
    const withPaths = {
      scenario: [],
      sweep: [],
      study: study(['/opt/chromium/chrome', '/opt/ff/firefox-esr']),
    } as unknown as CaptureCliOptions;
    applyStudyFile([], withPaths);
    expect([withPaths.browser, withPaths.chrome, withPaths.firefox]).toEqual([
      'chromium,firefox',
      '/opt/chromium/chrome',
      '/opt/ff/firefox-esr',
    ]);
  });
  it('refuses a browser it does not drive, and the same browser twice, naming the file', () => {
    expect(() => loadStudyFile(study(['safari']))).toThrow(/browsers\[0\] "safari": not a browser simq drives/);
    expect(() => loadStudyFile(study(['chromium', '/usr/bin/chromium']))).toThrow(/names the same browser twice/);
  });
});
