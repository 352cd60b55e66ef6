// The plan `simq analyze` runs when nothing is chosen: the seed question's experiment plus enough
// points on h's maxBitrate for a recommendation. Expected targets come from libwebrtc's rule for a
// lower layer with a maxBitrate (video/config/simulcast.cc: target = max(table target, 3/4 max),
// clamped to [min, max]; the 640x360 row of the VP8 table is min 150, target 500, max 700), not from simq.
import { describe, expect, it } from 'vitest';
import { applyDefaultPlan } from '../src/commands/analyze.js';
import { planCapture, type CaptureCliOptions } from '../src/commands/captureOptions.js';
import { predictAllocation } from '../src/allocation/predictAllocation.js';

const bare = (): CaptureCliOptions & { vmafSubsample?: string } =>
  ({ scenario: [], sweep: [] }) as unknown as CaptureCliOptions & { vmafSubsample?: string };

describe('analyze with no scenario, sweep or cap', () => {
  it('runs all-layers, top-off and all-layers with h maxBitrate 300k, 6 s each, quick mode 3, without a question', () => {
    const opts = bare();
    const line = applyDefaultPlan(opts as never);
    expect(line).toMatch(/default plan/);
    const plan = planCapture(opts);
    expect(plan.scenarios.map((s) => s.id).sort()).toEqual(
      ['all-layers.vp8', 'all-layers.vp8.h-maxBitrate-300k', 'top-off.vp8'].sort(),
    );
    expect(plan.scenarios.every((s) => s.durationS === 6)).toBe(true);
    expect(opts.vmafSubsample).toBe('3');
    expect((opts as { yes?: boolean }).yes).toBe(true);
  });

  it('h gets three bitrates: 300 (maxBitrate 300k caps it), 500 (the table, under f) and 700 (top layer, top-off)', () => {
    const opts = bare();
    applyDefaultPlan(opts as never);
    const h = planCapture(opts).scenarios.map((s) => {
      const p = predictAllocation(s, { width: 1280, height: 720, fps: 30 });
      return Math.round(p.layers.find((l) => l.rid === 'h')!.predictedTargetBps / 1000);
    });
    expect(h.sort((a, b) => a - b)).toEqual([300, 500, 700]);
  });

  it('what the user sets wins: a scenario, a sweep or a cap turns the default plan off; duration and subsample are kept', () => {
    for (const set of [{ scenario: ['all-layers'] }, { sweep: ['h.maxBitrate=300k,600k'] }, { bandwidth: '800k' }]) {
      const opts = { ...bare(), ...set };
      expect(applyDefaultPlan(opts as never), JSON.stringify(set)).toBeUndefined();
      expect(opts.vmafSubsample).toBeUndefined();
    }
    const opts = { ...bare(), duration: '10', vmafSubsample: '1' };
    expect(applyDefaultPlan(opts as never)).toMatch(/10 s each; every picture scored/);
    expect(opts.vmafSubsample).toBe('1');
  });
});
